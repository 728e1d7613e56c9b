"""Video files, the generic dataset kind and the spot inputs: read right, or a clear error."""

from pathlib import Path

import cv2
import pandas as pd
import pytest

from softnet.datasets.generic import read_events_csv
from softnet.datasets.index import read_dataset
from softnet.datasets.kinds import DatasetError
from softnet.datasets.spot_inputs import index_inputs, input_videos
from softnet.videos import VideoError, VideoFile, probe_video
from tests.helpers.videos import noise_frames, write_video


def test_a_video_file_streams_its_frames_and_knows_its_fps(tmp_path):
    frames = noise_frames(7)
    path = write_video(tmp_path / "clip.avi", frames, fps=60.0)
    facts = probe_video(path)
    assert (facts.frame_count, facts.fps) == (7, 60.0)
    decoded = list(VideoFile(path).iter_frames())
    assert len(decoded) == 7 and all((a == b).all() for a, b in zip(frames, decoded))
    assert VideoFile(path).fps() == 60.0


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "cannot open video"), (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "cannot open video")],
    ids=["zero-length", "truncated"],
)
def test_an_unreadable_video_is_an_error_naming_it(tmp_path, content, message):
    path = tmp_path / "broken.mp4"
    path.write_bytes(content)
    with pytest.raises(VideoError, match=f"{message} {path}"):
        probe_video(path)


def generic_root(tmp_path: Path, events: str) -> Path:
    """Subject p01: a lossless video file; subject p02: a frame folder; one events CSV."""
    root = tmp_path / "lab"
    write_video(root / "p01" / "talk.avi", noise_frames(12), fps=25.0)
    folder = root / "p02" / "rest"
    folder.mkdir(parents=True)
    for number, frame in enumerate(noise_frames(10, seed=1), start=1):
        cv2.imwrite(str(folder / f"frame_{number:04d}.png"), frame)
    (root / "events.csv").write_text(events)
    return root


EVENTS = (
    "subject,video,type,onset,apex,offset,fps\n"
    "p01,talk,micro,2,4,6,\n"
    "p02,rest,Macro-expression,3,5,0,50\n"
)


def test_a_generic_dataset_reads_videos_and_frame_folders(tmp_path):
    root = generic_root(tmp_path, EVENTS)
    videos, events = read_dataset("lab", "generic", root)
    assert list(videos["video"]) == ["talk", "rest"]
    assert list(videos["frame_count"]) == [12, 10]
    assert list(videos["fps"]) == [25.0, 50.0]  # the file's own rate; the CSV's for frames
    assert videos["source"].iloc[0].endswith("p01/talk.avi")
    assert list(events["type"]) == ["micro", "macro"]
    assert list(events["offset"]) == [6, 0] and list(events["apex"]) == [4, 5]
    assert list(events["name"]) == ["talk_1", "rest_2"]


def test_the_config_fps_overrides_every_video(tmp_path):
    videos, _ = read_dataset("lab", "generic", generic_root(tmp_path, EVENTS), fps=100.0)
    assert set(videos["fps"]) == {100.0}


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ("subject,video,onset,apex,offset\n", r"missing columns \['type'\]"),
        ("subject,video,type,onset,apex,offset\np01,talk,micro,two,4,6\n", "line 2: onset 'two'"),
        ("subject,video,type,onset,apex,offset\np01,talk,micro,,4,6\n", "line 2: onset ''"),
        ("subject,video,type,onset,apex,offset\np01,talk,micro,9,4,6\n", "line 2: the event ends"),
        ("subject,video,type,onset,apex,offset\np01,talk,happy,2,4,6\n", "neither micro nor macro"),
        (
            "subject,video,type,onset,apex,offset\np01,nope,micro,2,4,6\n",
            "line 2: no video p01/nope",
        ),
        (
            "subject,video,type,onset,apex,offset,fps\np01,talk,micro,2,4,6,25\n"
            "p01,talk,micro,8,9,10,30\n",
            "rows of one video give different fps",
        ),
    ],
    ids=["column", "text", "empty", "order", "type", "video", "fps"],
)
def test_a_bad_events_csv_is_an_error_naming_the_line(tmp_path, events, message):
    root = generic_root(tmp_path, events)
    with pytest.raises(DatasetError, match=message):
        read_dataset("lab", "generic", root)


def test_a_frame_folder_without_fps_is_an_error_saying_where_to_give_it(tmp_path):
    root = generic_root(tmp_path, "subject,video,type,onset,apex,offset\np01,talk,micro,2,4,6\n")
    with pytest.raises(DatasetError, match="p02/rest: no frame rate.*fps"):
        read_dataset("lab", "generic", root)


def test_a_subject_named_final_is_refused(tmp_path):
    root = generic_root(tmp_path, EVENTS)
    (root / "p01").rename(root / "final")
    with pytest.raises(DatasetError, match="may not be named 'final'"):
        read_dataset("lab", "generic", root, fps=30.0)


def test_events_csv_apex_may_be_empty(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("subject,video,type,onset,apex,offset\ns1,v,micro,4,,9\n")
    assert read_events_csv(path)[["onset", "apex", "offset"]].iloc[0].tolist() == [4, 0, 9]


def test_spot_inputs_name_videos_after_their_files_and_folders(tmp_path):
    root = generic_root(tmp_path, EVENTS)
    clip = write_video(tmp_path / "desk" / "clip.avi", noise_frames(3))
    found = input_videos([str(clip), str(root / "p02" / "rest"), str(root / "p01")])
    assert list(found) == [("desk", "clip"), ("p01", "talk"), ("p02", "rest")]
    assert found[("p01", "talk")] == root / "p01" / "talk.avi"


def test_spot_inputs_that_collide_or_are_missing_are_errors(tmp_path):
    one = write_video(tmp_path / "a" / "x" / "clip.avi", noise_frames(3))
    two = write_video(tmp_path / "b" / "x" / "clip.mp4", noise_frames(3), codec="mp4v")
    with pytest.raises(DatasetError, match="both become video x/clip"):
        input_videos([str(one), str(two)])
    with pytest.raises(DatasetError, match="spot input .*nowhere.mp4 does not exist"):
        input_videos([str(tmp_path / "nowhere.mp4")])


def test_the_spot_index_keeps_why_a_video_is_skipped(tmp_path):
    folder = tmp_path / "desk"
    write_video(folder / "good.avi", noise_frames(4))
    write_video(folder / "faceless.avi", noise_frames(5))
    (folder / "broken.mp4").write_text("not a video")
    reasons = {("desk", "faceless"): "no face", ("desk", "broken"): "cannot open"}
    videos = index_inputs("spot", [str(folder)], None, reasons).set_index("video")
    assert list(videos.index) == ["broken", "faceless", "good"]
    assert videos["excluded"].tolist() == ["cannot open", "no face", ""]
    assert videos["frame_count"].tolist() == [0, 5, 4]  # the unreadable one is not read
    assert videos["fps"].tolist() == [0.0, 30.0, 30.0]
    with pytest.raises(VideoError, match="cannot open video .*broken.mp4"):
        index_inputs("spot", [str(folder)], None, {})  # not skipped: an error


def test_generic_events_table_matches_the_release_columns(tmp_path):
    _, events = read_dataset("lab", "generic", generic_root(tmp_path, EVENTS))
    assert list(events.columns) == [
        "dataset", "subject", "video", "type", "onset", "apex", "offset", "name", "row",
    ]  # fmt: skip
    assert isinstance(events, pd.DataFrame) and list(events["row"]) == [2, 3]
