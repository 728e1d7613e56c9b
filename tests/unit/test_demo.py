"""The synthetic CAS(ME)^2 stand-in looks like the real release to the readers and the pipeline."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import openpyxl
import pandas as pd
import pytest

from softnet.datasets.demo import (
    MIN_GAP,
    NOMINAL_GAP,
    STIMULI,
    _plan_events,
    frame_name,
    make_demo,
    samm_frame_name,
)
from softnet.datasets.index import read_dataset
from softnet.datasets.kinds import KNOWN_WORKBOOKS
from softnet.datasets.labels import type_summary
from softnet.face import (
    CropSettings,
    crop,
    crop_landmarks,
    default_landmark_model,
    face_detector,
    find_face_box,
    largest_face,
)
from softnet.videos import FrameFolder, read_frame

FRAMES = 60
FRAME_SIZE = (320, 240)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    root = tmp_path_factory.mktemp("demo") / "CASME_sq"
    return root, make_demo(root, subjects=2, frames=FRAMES, seed=0, frame_size=FRAME_SIZE)


@pytest.fixture(scope="module")
def long_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    root = tmp_path_factory.mktemp("long") / "CASME_sq"
    return root, make_demo(root, subjects=1, frames=101, seed=3)


def _video_dirs(root: Path) -> list[Path]:
    return sorted((root / "rawpic").glob("s*/*"))


def test_layout_and_frame_names(demo: tuple[Path, pd.DataFrame]) -> None:
    root, truth = demo
    assert [p.relative_to(root / "rawpic").as_posix() for p in _video_dirs(root)] == [
        "s15/15_0101disgustingteeth",
        "s16/16_0102eatingworms",
    ]
    assert sorted(truth["video"].unique()) == ["15_0101disgustingteeth", "16_0102eatingworms"]
    for video in _video_dirs(root):
        names = {p.name for p in video.iterdir()}
        assert names == {f"img{n:03d}.jpg" for n in range(1, FRAMES + 1)}
        assert "img001.jpg" in names and "img060.jpg" in names
        img = cv2.imread(str(video / "img037.jpg"))
        assert img.shape == (FRAME_SIZE[1], FRAME_SIZE[0], 3)
        assert not np.array_equal(img[..., 0], img[..., 2])  # colour, not grey copied thrice


def test_frame_names_from_100_are_unpadded(long_demo: tuple[Path, pd.DataFrame]) -> None:
    root, _ = long_demo
    (video,) = _video_dirs(root)
    names = {p.name for p in video.iterdir()}
    assert len(names) == 101
    assert {"img001.jpg", "img099.jpg", "img100.jpg", "img101.jpg"} <= names
    assert "img0100.jpg" not in names
    assert frame_name(7) == "img007.jpg" and frame_name(1234) == "img1234.jpg"


def test_workbook_matches_release_format(demo: tuple[Path, pd.DataFrame]) -> None:
    root, truth = demo
    wb = openpyxl.load_workbook(root / KNOWN_WORKBOOKS["casme2"][0])
    assert wb.sheetnames == ["CASFEcode_final", "naming rule1", "naming rule2"]
    codes, rule1, rule2 = (
        [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets
    )

    assert len(codes) == len(truth) and all(len(r) == 9 for r in codes)
    for subject_index, name, onset, apex, offset, aus, emotion, kind, reported in codes:
        assert isinstance(subject_index, int) and subject_index in (1, 2)
        assert re.fullmatch(r"disgust[12]_\d+", name)
        assert all(isinstance(v, int) for v in (onset, apex, offset))
        assert re.fullmatch(r"\d+(\+\d+)*", aus)
        assert emotion in {"positive", "negative", "surprise", "others"}
        assert kind in {"macro-expression", "micro-expression"}
        assert isinstance(reported, str) and reported
    assert rule1 == [[15, "s15", 1], [16, "s16", 2]]
    assert rule2 == [[code, name] for code, name, _ in STIMULI]
    assert rule2[0] == ["0101", "disgust1"] and len(rule2) == 9
    assert all(c.data_type == "s" for c in wb.worksheets[2]["A"])

    # Read the way a reader of the real file does: by position, no header.
    sheets = pd.read_excel(
        root / KNOWN_WORKBOOKS["casme2"][0], sheet_name=None, header=None, dtype={0: str}
    )
    assert list(sheets["naming rule2"][0])[:3] == ["0101", "0102", "0401"]
    events = pd.read_excel(root / KNOWN_WORKBOOKS["casme2"][0], sheet_name=0, header=None)
    assert events.shape == (len(truth), 9) and events[2].dtype.kind == "i"
    folders = dict(zip(sheets["naming rule1"][2], sheets["naming rule1"][1]))
    kinds = events[7].str.split("-").str[0]
    got = sorted(zip(events[0].map(folders), kinds, events[2], events[3], events[4]))
    want = sorted(
        truth[["subject", "type", "onset", "apex", "offset"]].itertuples(index=False, name=None)
    )
    assert got == want
    # Event names number each video's events in time order.
    for _, group in events.groupby(0):
        assert list(group.sort_values(2)[1].str.split("_").str[1]) == [
            str(i) for i in range(1, len(group) + 1)
        ]


def _check_events(truth: pd.DataFrame, frames: int, min_gap: int) -> None:
    assert list(truth.columns) == ["subject", "video", "type", "onset", "apex", "offset"]
    assert set(truth["type"]) == {"micro", "macro"}
    assert ((truth["onset"] < truth["apex"]) & (truth["apex"] < truth["offset"])).all()
    duration = truth["offset"] - truth["onset"]
    micro, macro = duration[truth["type"] == "micro"], duration[truth["type"] == "macro"]
    assert micro.between(8, 12).all() and macro.between(24, 36).all()
    assert micro.max() < macro.min()
    for _, video in truth.groupby("video"):
        assert set(video["type"]) == {"micro", "macro"}
        video = video.sort_values("onset")
        edges = np.concatenate([[0], np.ravel(video[["onset", "offset"]].to_numpy()), [frames + 1]])
        gaps = edges[1::2] - edges[0::2] - 1  # neutral frames before, between and after events
        assert (gaps >= min_gap).all(), gaps


def test_events_fit_and_are_ordered(
    demo: tuple[Path, pd.DataFrame], long_demo: tuple[Path, pd.DataFrame]
) -> None:
    _check_events(demo[1], FRAMES, MIN_GAP)
    _check_events(long_demo[1], 101, NOMINAL_GAP)


def test_samm_layout_is_read_by_the_samm_reader_with_200_fps_durations(tmp_path: Path) -> None:
    """The SAMM-LV-layout demo (for like-for-like benchmarks): folders, names, workbook."""
    root = tmp_path / "SAMMLV"
    truth = make_demo(root, subjects=1, frames=240, seed=0, layout="sammlv")
    frames = sorted(p.name for p in (root / "SAMM_longvideos" / "006_1").iterdir())
    assert frames[0] == "006_1_0001.jpg" and frames[-1] == "006_1_0240.jpg" and len(frames) == 240
    videos, events = read_dataset("samm", "sammlv", root)
    assert list(videos["video"]) == ["006_1"] and list(videos["fps"]) == [200.0]
    got = events[["subject", "video", "type", "onset", "apex", "offset"]]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), truth)
    # 240 frames hold one event of each type at the shortest 200-fps durations: 8 and 24
    # frames at 30 fps, times 200 / 30.
    duration = dict(zip(truth["type"], truth["offset"] - truth["onset"]))
    assert duration == {"micro": 53, "macro": 160}
    assert {t: s["k"] for t, s in type_summary(videos, events, "sammlv").items()} == {
        "micro": 27,
        "macro": 80,
    }
    assert samm_frame_name("006_1", 12, frames=10_500) == "006_1_00012.jpg"
    with pytest.raises(ValueError, match="layout 'samm'"):
        make_demo(tmp_path / "x", layout="samm")


def test_too_short_video_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        make_demo(tmp_path / "CASME_sq", subjects=1, frames=40)


def test_a_subject_without_micro_plans_macro_events_only() -> None:
    for seed in range(20):
        events = _plan_events(np.random.default_rng(seed), 60, micro=False)
        assert events and {e.type for e in events} == {"macro"}
    with pytest.raises(ValueError, match="without_micro must be in 0..1"):
        make_demo(Path("unused"), subjects=2, without_micro=2)


def test_deterministic(demo: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    root, truth = demo
    again = make_demo(
        tmp_path / "same" / "CASME_sq", subjects=2, frames=FRAMES, seed=0, frame_size=FRAME_SIZE
    )
    pd.testing.assert_frame_equal(truth, again)
    for a, b in zip(_video_dirs(root), _video_dirs(tmp_path / "same" / "CASME_sq")):
        for name in ("img001.jpg", "img040.jpg"):
            assert (a / name).read_bytes() == (b / name).read_bytes()
    make_demo(
        tmp_path / "other" / "CASME_sq", subjects=1, frames=FRAMES, seed=1, frame_size=FRAME_SIZE
    )
    first = _video_dirs(tmp_path / "other" / "CASME_sq")[0] / "img001.jpg"
    assert first.read_bytes() != (_video_dirs(root)[0] / "img001.jpg").read_bytes()


def test_subjects_look_different(demo: tuple[Path, pd.DataFrame]) -> None:
    root, _ = demo
    a, b = (cv2.imread(str(v / "img001.jpg")).astype(np.float32) for v in _video_dirs(root))
    assert np.abs(a - b).mean() > 10


def test_face_found_in_first_frame_and_crop(demo: tuple[Path, pd.DataFrame]) -> None:
    root, _ = demo
    for video in _video_dirs(root):
        img = read_frame(video / "img001.jpg")
        boxes = face_detector()(img, 1)
        assert len(boxes) == 1
        assert boxes[0].width() > 0.3 * FRAME_SIZE[1]  # a large face, as in the real recordings
        face = largest_face(boxes, *img.shape[:2])
        assert (
            crop_landmarks(crop(img, face, CropSettings()), 1, default_landmark_model()) is not None
        )


def test_planted_motion_is_on_brows_and_mouth(demo: tuple[Path, pd.DataFrame]) -> None:
    """Apex vs onset differs more near the brow/mouth landmarks than far from them."""
    root, truth = demo
    settings = CropSettings()
    yy, xx = np.mgrid[:128, :128]
    for video in _video_dirs(root):
        frames = sorted(video.glob("img*.jpg"))
        box, _ = find_face_box(FrameFolder(tuple(frames)), 1, video.name)
        crops = [crop(read_frame(path), box, settings).astype(np.float32) for path in frames]
        landmarks = crop_landmarks(crops[0].astype(np.uint8), 1, default_landmark_model())
        moving = landmarks[list(range(17, 27)) + list(range(48, 68))]
        dist = np.min([np.hypot(xx - x, yy - y) for x, y in moving], axis=0)
        near, far = dist < 8, dist > 20
        for event in truth[truth["video"] == video.name].itertuples():
            diff = np.abs(crops[event.apex - 1] - crops[event.onset - 1])
            ratio = diff[near].mean() / diff[far].mean()
            assert ratio > (1.3 if event.type == "macro" else 1.1), (video.name, event)
