"""Bad inputs: each error names the file (and the row, frame or pair), says the fix, and the
job that meets it leaves no output behind."""

from __future__ import annotations

from pathlib import Path

import cv2
import h5py
import numpy as np
import pytest
from skimage import data
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from softnet.applied.models import WeightsFolderError, published_weight_files
from softnet.datasets.index import read_dataset, write_index
from softnet.datasets.kinds import DatasetError
from softnet.datasets.layout import annotation_path, check_root
from softnet.face import CropSettings, default_landmark_model, write_face_cache
from softnet.flow import opencv
from softnet.flow.flow_cache import FlowError, write_flow_cache
from softnet.flow.tvl1 import TVL1Params
from softnet.model.training import published_weights
from softnet.videos import FrameFolder, VideoError
from tests.helpers.releases import CASME2_CODES, SAMM_ROWS, edit_workbook, make_casme2, make_sammlv
from tests.helpers.workflow_runs import snakemake, write_config

CASME2_WORKBOOK = "CAS(ME)^2code_final.xlsx"
SAMM_WORKBOOK = "SAMM_LongVideos_V1_Release.xlsx"
SAMM_HEADER = ["Subject", "Filename", "Inducement Code", "Onset", "Apex", "Offset"]


def index_outputs(folder: Path) -> list[Path]:
    folder.mkdir()
    return [folder / "videos.csv", folder / "events.csv", folder / "summary.json"]


def assert_message(error: pytest.ExceptionInfo, *pieces: str) -> None:
    text = str(error.value)
    for piece in pieces:
        assert piece in text, f"{piece!r} not in {text!r}"


# --- annotation workbooks: each edit as a hand edit of the release's copy might make ---


def header_on_row_1(book):
    book.worksheets[0].insert_rows(1)
    for column, title in enumerate(["Subject", "Filename", "Onset", "Apex", "Offset"], start=1):
        book.worksheets[0].cell(1, column, title)


def cell(sheet: int | str, address: str, value):
    def edit(book):
        (book.worksheets[sheet] if isinstance(sheet, int) else book[sheet])[address] = value

    return edit


def unnamed_sheets_codes_last(book):
    book["naming rule1"].title, book["naming rule2"].title = "Sheet2", "Sheet3"
    book.move_sheet(book.worksheets[0], offset=2)


def rule2_header(book):
    sheet = book["naming rule2"]
    sheet.insert_rows(1)
    sheet["A1"], sheet["B1"] = "code", "stimulus"


def samm_header_repeated(book):
    book.active.insert_rows(11)
    for column, title in enumerate(SAMM_HEADER, start=1):
        book.active.cell(11, column, title)


def samm_sheet_replaced(book):
    book.create_sheet("Notes", 0)
    del book["FACS_Movement_Only"]


CASME2_CASES = {
    "header row": (header_on_row_1, ["sheet 'CASFEcode_final' row 1 is a header row", "delete"]),
    "empty onset": (
        cell(0, "C2", None),
        ["sheet 'CASFEcode_final' row 2: the onset cell is empty; fill in a frame number"],
    ),
    "empty offset": (
        cell(0, "E3", None),
        ["row 3: the offset cell is empty", "(0 when not annotated"],
    ),
    "text in a number cell": (
        cell(0, "D4", "peak"),
        ["row 4: apex 'peak' is not a frame number", "correct the cell"],
    ),
    "offset before onset": (
        cell(0, "E5", 2),
        ["row 5: offset 2 is before onset 3", "correct the cells"],
    ),
    "same event twice": (
        lambda book: book.worksheets[0].append(CASME2_CODES[1]),
        ["row 7: event disgust1_2 of s15 is listed twice (rows 2 and 7); delete one"],
    ),
    "rule sheet missing": (
        lambda book: book.remove(book["naming rule2"]),
        ["no sheet 'naming rule2' (its sheets: 'CASFEcode_final', 'naming rule1')", "3 sheets"],
    ),
    "unnamed sheets in another order": (
        unnamed_sheets_codes_last,
        ["sheet 'Sheet3' (read by position as 'naming rule1') row 1: the subject index cell"],
    ),
    "header row in a naming rule": (
        rule2_header,
        ["sheet 'naming rule2' row 1 is a header row (code, stimulus)"],
    ),
}

SAMM_CASES = {
    "header row in the data": (
        samm_header_repeated,
        ["sheet 'FACS_Movement_Only' row 11 is a header row", "only header is on row 10"],
    ),
    "empty onset": (cell(0, "D12", None), ["row 12: the Onset cell is empty"]),
    "empty offset": (cell(0, "F13", None), ["row 13: the Offset cell is empty"]),
    "text in a number cell": (
        cell(0, "F14", "end"),
        ["row 14: Offset 'end' is not a frame number", "correct the cell"],
    ),
    "offset before onset": (cell(0, "F11", 4), ["row 11: offset 4 is before onset 5"]),
    "same event twice": (
        lambda book: book.active.append(SAMM_ROWS[5][:6] + (None, "Micro - 1/2")),
        ["row 17: event 011_2_2 is listed twice (rows 16 and 17)"],
    ),
    "sheet missing": (
        samm_sheet_replaced,
        ["sheet 'Notes' row 10 lacks the columns", "is this the SAMM Long Videos workbook?"],
    ),
    "header moved down": (
        lambda book: book.active.insert_rows(1),
        ["row 10 lacks the columns", "the header is on row 11", "delete the extra rows"],
    ),
}


@pytest.mark.parametrize(
    ("kind", "edit", "pieces"),
    [
        *[
            pytest.param("casme2", *case, id=f"casme2 {name}")
            for name, case in CASME2_CASES.items()
        ],
        *[pytest.param("sammlv", *case, id=f"sammlv {name}") for name, case in SAMM_CASES.items()],
    ],
)
def test_a_bad_workbook_names_file_sheet_and_row_and_writes_no_index(tmp_path, kind, edit, pieces):
    make = make_casme2 if kind == "casme2" else make_sammlv
    workbook = make(tmp_path / "release")
    edit_workbook(workbook, edit)
    outputs = index_outputs(tmp_path / "index")
    with pytest.raises(DatasetError) as error:
        write_index(kind, kind, tmp_path / "release", None, None, *outputs)
    assert_message(error, str(workbook), *pieces)
    assert list((tmp_path / "index").iterdir()) == []


def test_offset_0_stays_accepted_where_a_nonzero_offset_before_the_onset_is_not(tmp_path):
    workbook = make_casme2(tmp_path / "release")
    edit_workbook(workbook, cell(0, "E5", 0))
    events = read_dataset("casme2", "casme2", tmp_path / "release")[1].set_index("name")
    assert events.loc["disgust2_2", "offset"] == 0


# --- frame folders of the releases: numbered 1..N without gaps ---


def drop(path: str):
    return lambda root: (root / path).unlink()


def add(path: str):
    return lambda root: (root / path).touch()


CASME2_VIDEO = "rawpic/s15/15_0101disgustingteeth"


@pytest.mark.parametrize(
    ("kind", "change", "folder", "pieces"),
    [
        pytest.param(
            "casme2",
            drop(f"{CASME2_VIDEO}/img050.jpg"),
            CASME2_VIDEO,
            ["frame numbers have a gap, 1 of frames 1 to 102 missing: 50", "copy the video's"],
            id="casme2 gap",
        ),
        pytest.param(
            "casme2",
            add(f"{CASME2_VIDEO}/img50.jpg"),
            CASME2_VIDEO,
            ["img050.jpg and img50.jpg are both frame 50; delete the stray copy"],
            id="casme2 frame number twice",
        ),
        pytest.param(
            "casme2",
            add(f"{CASME2_VIDEO}/img000.jpg"),
            CASME2_VIDEO,
            ["img000.jpg is frame 0, but the release numbers frames from 1"],
            id="casme2 frame 0",
        ),
        pytest.param(
            "sammlv",
            drop("SAMM_longvideos/006_1/006_1_0001.jpg"),
            "SAMM_longvideos/006_1",
            ["1 of frames 1 to 40 missing: 1"],
            id="sammlv first frame missing",
        ),
    ],
)
def test_a_frame_folder_with_a_gap_is_an_error_naming_it(tmp_path, kind, change, folder, pieces):
    root = tmp_path / "release"
    (make_casme2 if kind == "casme2" else make_sammlv)(root)
    change(root)
    outputs = index_outputs(tmp_path / "index")
    with pytest.raises(DatasetError) as error:
        write_index(kind, kind, root, None, None, *outputs)
    assert_message(error, f"{root / folder}: ", *pieces)
    assert list((tmp_path / "index").iterdir()) == []


# --- frames: cut off, empty, or of another size ---


@pytest.fixture(scope="module")
def face_frame():
    """The astronaut's face in a 320x240 colour frame, BGR as cv2.imread gives it."""
    image = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)[0:240, 100:420]
    return np.ascontiguousarray(image)


def truncate(path: Path, image: np.ndarray) -> None:
    encoded = cv2.imencode(".jpg", image)[1].tobytes()
    path.write_bytes(encoded[: len(encoded) // 2])


def empty(path: Path, image: np.ndarray) -> None:
    path.write_bytes(b"")


def smaller(path: Path, image: np.ndarray) -> None:
    cv2.imwrite(str(path), image[:200, :300])


@pytest.mark.parametrize(
    ("spoil", "pieces"),
    [
        pytest.param(truncate, ["img002.jpg is a truncated or corrupt JPEG"], id="truncated"),
        pytest.param(empty, ["img002.jpg is empty (0 bytes)"], id="zero bytes"),
        pytest.param(
            smaller,
            ["frame img002.jpg is 300x200 pixels but img001.jpg is 320x240", "resize img002.jpg"],
            id="another size",
        ),
    ],
)
def test_a_bad_frame_stops_the_face_job_naming_video_and_frame(tmp_path, face_frame, spoil, pieces):
    folder = tmp_path / "s15" / "v"
    folder.mkdir(parents=True)
    paths = tuple(folder / f"img{n:03d}.jpg" for n in (1, 2, 3))
    for path in paths:
        cv2.imwrite(str(path), face_frame)
    spoil(paths[1], face_frame)
    out = tmp_path / "faces" / "v.h5"
    with pytest.raises(VideoError) as error:
        write_face_cache(
            FrameFolder(paths), out, "s15/v", CropSettings(), default_landmark_model(), {}
        )
    assert_message(error, str(folder), *pieces)
    assert list((tmp_path / "faces").iterdir()) == []


def test_a_whole_jpeg_with_padding_after_its_end_marker_is_read(tmp_path, face_frame):
    path = tmp_path / "img001.jpg"
    cv2.imwrite(str(path), face_frame)
    path.write_bytes(path.read_bytes() + b"\0" * 100)
    assert next(FrameFolder((path,)).iter_frames()).shape == face_frame.shape


# --- flow: NaN or infinity in a pair ---


def test_a_nan_in_the_flow_stops_the_job_naming_video_and_pair(tmp_path, monkeypatch):
    faces = tmp_path / "faces.h5"
    with h5py.File(faces, "w") as handle:
        handle["crops"] = np.zeros((5, 8, 8), np.uint8)

    def flow_with_a_nan(face_path, k, params, threads, batch_size):
        for pair in range(4):
            flow = np.zeros((8, 8, 2), np.float32)
            flow[3, 4, 1] = np.nan if pair == 2 else 0.0
            yield flow

    monkeypatch.setattr(opencv, "iter_flow", flow_with_a_nan)
    out = tmp_path / "flow" / "v.h5"
    with pytest.raises(FlowError) as error:
        write_flow_cache(faces, out, 1, TVL1Params(), 1, {"video": "s15/v"})
    assert_message(error, "s15/v: the flow of pair 2 (crops 2 and 3", str(faces), "flow.tvl1")
    assert list((tmp_path / "flow").iterdir()) == []


# --- config and weights ---


@pytest.mark.parametrize("p", [0, 1, -0.5, 1.5])
def test_spotting_p_must_lie_strictly_between_0_and_1(repo, p):
    with pytest.raises(WorkflowError, match=r"instance\['spotting'\]\['p'\]"):
        validate({"spotting": {"p": p}}, str(repo / "schemas" / "config.schema.yaml"))


def test_a_dataset_root_that_is_a_file_says_so(tmp_path):
    (tmp_path / "CASME_sq.zip").touch()
    with pytest.raises(DatasetError, match="CASME_sq.zip is a file, not a folder; set `root`"):
        annotation_path("casme2", tmp_path / "CASME_sq.zip", None)


@pytest.mark.parametrize(
    ("kind", "made", "given", "message"),
    [
        ("casme2", "", "CASME_sq", "dataset root {root} does not exist; set `root`"),
        (
            "casme2",
            "SAMMLV/SAMM_longvideos",
            "SAMMLV",
            "dataset root {root} holds SAMM_longvideos/, the layout of kind sammlv, but the "
            "dataset's kind is casme2; set `kind: sammlv` for it",
        ),
        (
            "sammlv",
            "CASME_sq/rawpic",
            "CASME_sq",
            "the layout of kind casme2, but the dataset's kind is sammlv",
        ),
        (
            "generic",
            "CASME_sq/rawpic",
            "CASME_sq",
            "the layout of kind casme2, but the dataset's kind is generic",
        ),
        (
            "casme2",
            "data/CASME_sq/rawpic",
            "data",
            "dataset root {root} has no rawpic/ folder; it holds CASME_sq/: set `root` to "
            "{root}/CASME_sq",
        ),
        (
            "casme2",
            "CASME_sq/rawpic",
            "CASME_sq/rawpic",
            "has no rawpic/ folder; it is the frame folder itself: set `root` to {tmp}/CASME_sq",
        ),
        (
            "sammlv",
            "SAMMLV",
            "SAMMLV",
            "dataset root {root} has no SAMM_longvideos/ folder; a sammlv root is the release's "
            "SAMMLV folder, which holds SAMM_longvideos/",
        ),
        (
            "generic",
            "clips/.cache",
            "clips",
            "dataset root {root} holds no subject folder; a generic",
        ),
    ],
    ids=[
        "missing",
        "SAMMLV as casme2",
        "CASME_sq as sammlv",
        "CASME_sq as generic",
        "the folder above",
        "rawpic",
        "no frame folder",
        "no subject",
    ],
)
def test_a_dataset_root_without_its_kinds_layout_says_what_was_expected(
    tmp_path, kind, made, given, message
):
    if made:
        (tmp_path / made).mkdir(parents=True)
    root = tmp_path / given
    with pytest.raises(DatasetError) as error:
        check_root(root, kind)
    assert_message(error, message.format(root=root, tmp=tmp_path))


def test_a_dataset_root_in_its_kinds_layout_passes(tmp_path):
    for folder in ("CASME_sq/rawpic", "SAMMLV/SAMM_longvideos", "clips/p01"):
        (tmp_path / folder).mkdir(parents=True)
    for kind, root in (("casme2", "CASME_sq"), ("sammlv", "SAMMLV"), ("generic", "clips")):
        check_root(tmp_path / root, kind)


def test_a_weights_folder_lacking_a_fold_names_the_missing_file(tmp_path):
    folder = tmp_path / "CASME_sq" / "micro-expression"
    folder.mkdir(parents=True)
    for fold in (1, 2, 4, 6):
        (folder / f"s{fold}.hdf5").touch()
    with pytest.raises(WeightsFolderError) as error:
        published_weight_files(tmp_path, "casme2", "micro")
    assert_message(error, f"{folder} lacks s3.hdf5, s5.hdf5 of the fold files s1.hdf5 to s6")
    with pytest.raises(FileNotFoundError, match=f"published weight file {folder / 's3.hdf5'}"):
        published_weights(tmp_path, "casme2", "micro", 3)


@pytest.mark.workflow
@pytest.mark.parametrize(
    ("config", "pieces"),
    [
        pytest.param({"spotting": {"p": 1}}, ["1 is greater than or equal to the maximum of 1"]),
        pytest.param(
            {"datasets": [{"name": "x", "kind": "casme2", "root": "release.zip"}]},
            ["release.zip is a file, not a folder"],
        ),
        pytest.param(
            {"datasets": [{"name": "x", "kind": "casme2", "root": "release"}]},
            ["row 5: offset 2 is before onset 3"],
        ),
    ],
    ids=["p", "root is a file", "workbook (the index job runs)"],
)
def test_the_workflow_stops_on_a_bad_input_with_no_result_written(repo, tmp_path, config, pieces):
    write_config(tmp_path, config)
    (tmp_path / "release.zip").touch()
    edit_workbook(make_casme2(tmp_path / "release"), cell(0, "E5", 2))
    result = snakemake(repo, tmp_path, "all_roi_stacks")
    assert result.returncode != 0
    for piece in pieces:
        assert piece in result.stdout + result.stderr
    assert [p for p in (tmp_path / "results").rglob("*") if p.is_file()] == []


@pytest.mark.workflow
def test_a_root_that_is_a_file_stops_a_single_file_target_too(repo, tmp_path):
    """Checked when the config is read, not by whichever input function runs first."""
    write_config(tmp_path, {"datasets": [{"name": "x", "kind": "casme2", "root": "release.zip"}]})
    (tmp_path / "release.zip").touch()
    result = snakemake(repo, tmp_path, "-n", "results/x/faces/s15/15_0101disgustingteeth.h5")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "dataset 'x' in config.yaml: dataset root release.zip is a file, not a folder" in output
    assert "NotADirectoryError" not in output
