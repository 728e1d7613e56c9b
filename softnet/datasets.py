"""Adapters that read the CAS(ME)^2 and SAMM Long Videos releases exactly as published.

Each adapter yields two tables: videos (one row per long video) and events (one row per
annotated expression, 1-based frame numbers as in the workbook). Any other dataset comes in
through the generic kind (`softnet.generic`), which yields the same two tables. SOFTNet's
own selection rules (offset 0, SAMM macro onset 0, ...) live in `softnet.labels`, not here,
so that the tables show the release as it is.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import openpyxl
import pandas as pd

from softnet.videos import IMAGE_SUFFIXES, FrameFolder, FrameSource, VideoFile

log = logging.getLogger(__name__)

EXPRESSION_TYPES = ("micro", "macro")
DATASET_KINDS = ("casme2", "sammlv", "demo", "generic")
VIDEO_COLUMNS = [
    "dataset",
    "subject",
    "video",
    "source",
    "fps",
    "frame_count",
    "first_frame",
    "excluded",
]
EVENT_COLUMNS = [
    "dataset",
    "subject",
    "video",
    "type",
    "onset",
    "apex",
    "offset",
    "name",
    "row",
]

#: Workbook names of the releases, the first being the default of each kind.
KNOWN_WORKBOOKS = {
    "casme2": ("CAS(ME)^2code_final.xlsx", "code_final.xlsx"),
    "sammlv": (
        "SAMM_LongVideos_V1_Release.xlsx",
        "SAMM_LongVideos_V2_Release.xlsx",
        "SAMM_LongVideos_V3_Release.xlsx",
    ),
    "generic": ("events.csv",),
}
FPS = {"casme2": 30.0, "sammlv": 200.0}
CASME2_FRAME = re.compile(r"^img(\d+)\.jpg$", re.IGNORECASE)
SAMM_HEADER_ROW = 10  # 1-based row of the header in the SAMM workbook; rows 1-9 are a legend


class DatasetError(ValueError):
    """A dataset folder or workbook that does not match the published layout."""


def layout_kind(kind: str) -> str:
    """The layout a dataset kind is stored in (the demo mimics CAS(ME)^2)."""
    if kind not in DATASET_KINDS:
        raise DatasetError(f"unknown dataset kind {kind!r}; expected one of {DATASET_KINDS}")
    return "casme2" if kind == "demo" else kind


def natural_key(text: str) -> tuple:
    """Sort key that orders embedded numbers by value: s9 < s10, img99 < img100."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def frame_number(kind: str, video: str, filename: str) -> int | None:
    """The 1-based frame number encoded in a frame's file name, None if it is not a frame."""
    layout = layout_kind(kind)
    if layout == "generic":
        return _generic_frame_number(filename)
    if layout == "casme2":
        match = CASME2_FRAME.match(filename)
    else:
        match = re.match(rf"^{re.escape(video)}_(\d{{4,5}})\.jpg$", filename, re.IGNORECASE)
    return int(match.group(1)) if match else None


def list_frames(kind: str, frames_dir: Path, video: str | None = None) -> list[Path]:
    """The frame files of one video, sorted by frame number (never as strings)."""
    frames_dir = Path(frames_dir)
    if not frames_dir.is_dir():
        raise DatasetError(f"frame folder {frames_dir} does not exist")
    video = video or frames_dir.name
    numbered = []
    with os.scandir(frames_dir) as entries:
        for entry in entries:
            number = frame_number(kind, video, entry.name)
            if number is not None and entry.is_file():
                numbered.append((number, Path(entry.path)))
    if not numbered:
        raise DatasetError(f"no frames found in {frames_dir} (expected {_frame_hint(kind, video)})")
    numbered.sort()
    return [path for _, path in numbered]


def _generic_frame_number(filename: str) -> int | None:
    """Any image file whose name holds a number (frame_0001.png, 17.jpg): its last number."""
    path = Path(filename)
    numbers = re.findall(r"\d+", path.stem)
    return int(numbers[-1]) if numbers and path.suffix.lower() in IMAGE_SUFFIXES else None


def _frame_hint(kind: str, video: str) -> str:
    if layout_kind(kind) == "generic":
        return "numbered images such as frame_0001.jpg, frame_0002.jpg, ..."
    if layout_kind(kind) == "casme2":
        return "img001.jpg, img002.jpg, ..."
    return f"{video}_0001.jpg, {video}_0002.jpg, ..."


def open_source(kind: str, path: Path) -> FrameSource:
    """The frames of a video stored as `path`: a video file, or a folder of the kind's frames."""
    path = Path(path)
    if path.is_file():
        return VideoFile(path)
    return FrameFolder(tuple(list_frames(kind, path)))


def frames_dir(kind: str, root: Path, subject: str, video: str) -> Path:
    """Where a video's frames are in the release layout."""
    if layout_kind(kind) == "casme2":
        return Path(root) / "rawpic" / subject / video
    return Path(root) / "SAMM_longvideos" / video


def annotation_path(kind: str, root: Path, annotations: str | None) -> Path:
    """The annotation workbook: the configured name, or the release's own name by default.

    A missing workbook is an error that lists the release names found in the folder, so
    that a user with another release knows what to put in `annotations`.
    """
    layout = layout_kind(kind)
    if not Path(root).is_dir():
        raise DatasetError(f"dataset root {root} does not exist; set `root` in config.yaml")
    name = annotations or KNOWN_WORKBOOKS[layout][0]
    path = Path(name) if Path(name).is_absolute() else Path(root) / name
    if path.is_file():
        return path
    if layout == "generic":
        raise DatasetError(
            f"events file {path} not found; a generic dataset needs a CSV of events there, "
            "or `annotations` in config.yaml naming it (see the README, 'Your own dataset')"
        )
    found = [n for n in KNOWN_WORKBOOKS[layout] if (Path(root) / n).is_file()]
    hint = (
        f"found {', '.join(found)} there: set `annotations: {found[0]}` for this dataset "
        "in config.yaml"
        if found
        else f"known release names: {', '.join(KNOWN_WORKBOOKS[layout])}"
    )
    raise DatasetError(f"annotation workbook {path} not found; {hint}")


def read_dataset(
    name: str, kind: str, root: Path, annotations: str | None = None, fps: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Videos and events tables of one dataset, in natural sort order.

    `fps` overrides the frame rate (the releases' own by default; for the generic kind, see
    `softnet.generic`).
    """
    root = Path(root)
    layout = layout_kind(kind)
    if layout == "generic":
        from softnet.generic import read_generic  # the generic reader builds on this module

        videos, events = read_generic(root, annotation_path(kind, root, annotations), fps)
    else:
        workbook = annotation_path(kind, root, annotations)
        reader = _read_casme2 if layout == "casme2" else _read_sammlv
        videos, events = reader(root, workbook)
        videos["fps"] = fps or FPS[layout]
    videos.insert(0, "dataset", name)
    events.insert(0, "dataset", name)
    _warn_events_past_end(videos, events)
    videos = _natural_order(videos, ["subject", "video"])[VIDEO_COLUMNS]
    events = _natural_order(events, ["subject", "video"], then=["onset", "row"])[EVENT_COLUMNS]
    return videos, events


def _natural_order(table: pd.DataFrame, keys: list[str], then: list[str] = ()) -> pd.DataFrame:
    order = sorted(
        range(len(table)),
        key=lambda i: (
            tuple(natural_key(str(table[c].iloc[i])) for c in keys)
            + tuple(table[c].iloc[i] for c in then)
        ),
    )
    return table.iloc[order].reset_index(drop=True)


def _warn_events_past_end(videos: pd.DataFrame, events: pd.DataFrame) -> None:
    keys = zip(videos["subject"], videos["video"])
    last = dict(zip(keys, videos["first_frame"] + videos["frame_count"] - 1))
    for event in events.itertuples():
        if last.get((event.subject, event.video), event.offset) < event.offset:
            log.warning(
                "event %s (row %d): offset %d lies past the last frame %d of %s",
                event.name,
                event.row,
                event.offset,
                last[(event.subject, event.video)],
                event.video,
            )


def _video_rows(kind: str, folders: list[tuple[str, Path]]) -> list[dict]:
    rows = []
    for subject, folder in folders:
        frames = list_frames(kind, folder)
        rows.append(
            {
                "subject": subject,
                "video": folder.name,
                "source": str(folder),
                "frame_count": len(frames),
                "first_frame": frame_number(kind, folder.name, frames[0].name),
                "excluded": "",
            }
        )
    return rows


def _subfolders(path: Path) -> list[Path]:
    if not path.is_dir():
        raise DatasetError(f"folder {path} does not exist")
    return sorted((p for p in path.iterdir() if p.is_dir()), key=lambda p: natural_key(p.name))


def _read_casme2(root: Path, workbook: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CAS(ME)^2: 3 sheets without headers, addressed by position (names vary by release)."""
    sheets = list(pd.read_excel(workbook, sheet_name=None, header=None, dtype=object).values())
    if len(sheets) < 3:
        raise DatasetError(
            f"{workbook}: expected 3 sheets (codes, naming rule1, naming rule2), "
            f"found {len(sheets)}"
        )
    codes, rule1, rule2 = sheets[:3]
    subjects = {int(r[2]): (int(r[0]), str(r[1]).strip()) for r in rule1.itertuples(index=False)}
    stimuli = {str(r[1]).strip(): _stimulus_code(r[0]) for r in rule2.itertuples(index=False)}

    folders = [(s.name, v) for s in _subfolders(root / "rawpic") for v in _subfolders(s)]
    videos = pd.DataFrame(_video_rows("casme2", folders))
    for i, (subject, folder) in enumerate(folders):
        number = folder.name.split("_", 1)[0]
        if subject.lstrip("sS") != number.lstrip("0"):
            videos.loc[i, "excluded"] = (
                f"filed under {subject} but named for subject {number}: a duplicate, without labels"
            )

    by_subject = {}
    for subject, folder in folders:
        by_subject.setdefault(subject, []).append(folder.name)
    events = []
    for row_number, row in enumerate(codes.itertuples(index=False), start=1):
        if pd.isna(row[0]):
            continue
        where = f"{workbook.name} sheet 1 row {row_number}"
        index = int(row[0])
        if index not in subjects:
            raise DatasetError(f"{where}: subject index {index} is not in sheet 'naming rule1'")
        number, subject = subjects[index]
        expression = str(row[1]).strip()
        stimulus = expression.rsplit("_", 1)[0]
        if stimulus not in stimuli:
            raise DatasetError(f"{where}: stimulus {stimulus!r} is not in sheet 'naming rule2'")
        prefix = f"{number}_{stimuli[stimulus]}"
        matches = [v for v in by_subject.get(subject, []) if v.startswith(prefix)]
        if len(matches) != 1:
            raise DatasetError(
                f"{where}: expected one video folder rawpic/{subject}/{prefix}* for {expression}, "
                f"found {len(matches)}"
            )
        events.append(
            {
                "subject": subject,
                "video": matches[0],
                "type": _expression_type(row[7], where),
                "onset": int(row[2]),
                "apex": int(row[3]),
                "offset": int(row[4]),
                "name": expression,
                "row": row_number,
            }
        )
    return videos, pd.DataFrame(events, columns=EVENT_COLUMNS[1:])


def _stimulus_code(value: object) -> str:
    """Stimulus codes are strings with a leading zero ('0101'); some copies store numbers."""
    text = str(value).strip()
    return text.zfill(4) if text.isdigit() else text


def _expression_type(value: object, where: str) -> str:
    text = str(value).strip().lower()
    for kind in EXPRESSION_TYPES:
        if text.startswith(kind):
            return kind
    raise DatasetError(f"{where}: unknown expression type {value!r} (expected macro or micro)")


def _read_sammlv(root: Path, workbook: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SAMM-LV: one sheet, a 9-row legend, the header on row 10, data from row 11."""
    book = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    header_cells = rows[SAMM_HEADER_ROW - 1] if len(rows) >= SAMM_HEADER_ROW else ()
    header = [str(cell).strip() if cell is not None else "" for cell in header_cells]
    needed = ["Subject", "Filename", "Onset", "Apex", "Offset", "Type"]
    missing = [c for c in needed if c not in header]
    if missing:
        raise DatasetError(
            f"{workbook.name}: row {SAMM_HEADER_ROW} lacks the columns {missing}; "
            "is this the SAMM Long Videos workbook?"
        )
    folders = [(v.name.split("_", 1)[0], v) for v in _subfolders(root / "SAMM_longvideos")]
    videos = pd.DataFrame(_video_rows("sammlv", folders))

    events = []
    for row_number, row in enumerate(rows[SAMM_HEADER_ROW:], start=SAMM_HEADER_ROW + 1):
        record = dict(zip(header, row))
        if record.get("Filename") in (None, ""):
            continue
        where = f"{workbook.name} row {row_number}"
        subject = _samm_subject(record["Subject"])
        name = str(record["Filename"]).strip()
        events.append(
            {
                "subject": subject,
                "video": name.rsplit("_", 1)[0],
                "type": _expression_type(record["Type"], where),
                # fractional frame numbers (566.4) are truncated as the published scripts do
                "onset": int(float(record["Onset"])),
                "apex": int(float(record["Apex"])),
                "offset": int(float(record["Offset"])),
                "name": name,
                "row": row_number,
            }
        )
    events = pd.DataFrame(events, columns=EVENT_COLUMNS[1:])
    unknown = sorted(set(events["video"]) - set(videos["video"]))
    if unknown:
        raise DatasetError(
            f"{workbook.name} refers to videos with no folder under {root / 'SAMM_longvideos'}: "
            f"{', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}"
        )
    return videos, events


def _samm_subject(value: object) -> str:
    """SAMM subjects are 3-digit strings ('006'); a numeric cell would lose the zeros."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0)?", text):
        return f"{int(float(text)):03d}"
    return text


def load_videos(path: str | os.PathLike) -> pd.DataFrame:
    """An index's videos.csv, with subject and video names kept as text ('006', not 6)."""
    return pd.read_csv(path, dtype={"subject": str, "video": str}, keep_default_na=False)


def load_events(path: str | os.PathLike) -> pd.DataFrame:
    """An index's events.csv, with subject and video names kept as text."""
    return pd.read_csv(path, dtype={"subject": str, "video": str})


def load_k(summary: str | os.PathLike, expression_type: str) -> int:
    """k of one expression type from an index's summary.json."""
    with open(summary) as handle:
        return int(json.load(handle)[expression_type]["k"])
