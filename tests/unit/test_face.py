"""Face box, crops and landmarks: the detector once per video, clear errors otherwise."""

import logging

import cv2
import dlib
import h5py
import hdf5plugin
import numpy as np
import pytest
from skimage import data

from softnet.face import (
    CropSettings,
    FaceBox,
    FaceError,
    crop,
    default_landmark_model,
    find_face_box,
    largest_face,
    skip_reason,
    write_face_cache,
    write_skip_record,
)
from softnet.videos import FrameFolder, VideoError, VideoFile


@pytest.fixture(scope="module")
def face_frame():
    """The astronaut's face in a 320x240 colour frame, BGR as cv2.imread gives it."""
    image = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)[0:240, 100:420]
    return np.ascontiguousarray(image)


def write_frames(folder, images):
    """The images as a CAS(ME)^2-style frame folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, image in enumerate(images, start=1):
        path = folder / f"img{number:03d}.jpg"
        cv2.imwrite(str(path), image)
        paths.append(path)
    return FrameFolder(tuple(paths))


def test_largest_face_wins_and_is_clamped_to_the_frame():
    rects = [
        dlib.rectangle(-10, 5, 50, 60),
        dlib.rectangle(100, -20, 300, 250),
        dlib.rectangle(0, 0, 10, 10),
    ]
    assert largest_face(rects, height=240, width=320) == FaceBox(
        top=0, bottom=240, left=100, right=300
    )
    assert largest_face([], 240, 320) is None


def test_crop_is_gray_128_and_the_jpeg_round_trip_differs_from_lossless(face_frame):
    box = FaceBox(20, 180, 80, 240)
    jpeg = crop(face_frame, box, CropSettings())
    lossless = crop(face_frame, box, CropSettings(codec="lossless"))
    assert jpeg.shape == lossless.shape == (128, 128) and jpeg.dtype == np.uint8
    difference = np.abs(jpeg.astype(int) - lossless.astype(int))
    assert 0 < difference.max() <= 20


def test_unknown_codec_is_refused():
    with pytest.raises(ValueError, match="unknown crop codec 'png'"):
        CropSettings(codec="png")


def test_face_box_searches_forward_with_a_warning(tmp_path, face_frame, caplog):
    blank = np.full_like(face_frame, 128)
    frames = write_frames(tmp_path / "v", [blank, face_frame, face_frame])
    with caplog.at_level(logging.WARNING):
        box, index = find_face_box(frames, upsample=1, video="s01/v")
    assert index == 1 and box.area > 50 * 50
    assert any("no face in the first 1 frame" in r.message for r in caplog.records)


def test_video_without_a_face_is_an_error_naming_it(tmp_path, face_frame):
    """A video shorter than the search window was searched whole, and the message says so."""
    frames = write_frames(tmp_path / "v", [np.full_like(face_frame, 128)] * 2)
    for bound in (None, 2, 5):
        with pytest.raises(FaceError) as error:
            find_face_box(frames, upsample=1, video="s01/v", search_frames=bound)
        assert str(error.value).startswith(
            f"s01/v: the face detector found no face in {tmp_path / 'v'}: it searched all 2 "
            "frames of the video; "
        )


def test_a_video_without_a_frame_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(VideoFile, "iter_frames", lambda self: iter(()))
    with pytest.raises(FaceError, match=r"s01/v: .*v.avi has no decodable frame; the file is"):
        find_face_box(VideoFile(tmp_path / "v.avi"), upsample=1, video="s01/v")


def test_the_face_search_gives_up_after_its_bound(tmp_path, face_frame):
    blank = np.full_like(face_frame, 128)
    frames = write_frames(tmp_path / "v", [blank, blank, blank, face_frame])
    with pytest.raises(
        FaceError, match=r"searched the first 3 frames \(face.search_seconds allows 3\)"
    ):
        find_face_box(frames, upsample=1, video="s01/v", search_frames=3)
    assert find_face_box(frames, upsample=1, video="s01/v", search_frames=4)[1] == 3


def test_a_skip_record_holds_the_reason_and_no_crops(tmp_path, face_frame, caplog):
    frames = write_frames(tmp_path / "v", [face_frame])
    cache, record = tmp_path / "faces" / "v.h5", tmp_path / "faces" / "w.h5"
    write_face_cache(frames, cache, "s01/v", CropSettings(), default_landmark_model(), {})
    with caplog.at_level(logging.WARNING):
        write_skip_record(record, "s01/w", "no face", {"video": "w"})
    assert skip_reason(cache) == "" and skip_reason(record) == "no face"
    with h5py.File(record) as handle:
        assert list(handle) == [] and handle.attrs["video"] == "w"
    assert any(r.message == "s01/w: skipped: no face" for r in caplog.records)
    assert sorted(p.name for p in record.parent.iterdir()) == ["v.h5", "w.h5"]


def test_face_cache_holds_crops_box_and_landmarks(tmp_path, face_frame):
    frames = write_frames(tmp_path / "v", [face_frame, np.roll(face_frame, 2, axis=1)])
    out = tmp_path / "faces" / "v.h5"
    write_face_cache(frames, out, "s01/v", CropSettings(), default_landmark_model(), {"video": "v"})
    assert not (tmp_path / "faces" / "v.h5.partial").exists()
    with h5py.File(out) as handle:
        assert handle["crops"].shape == (2, 128, 128) and handle["crops"].dtype == np.uint8
        assert handle["crops"].chunks == (1, 128, 128)
        codec = handle["crops"].id.get_create_plist().get_filter(0)[0]
        assert codec == hdf5plugin.Blosc.filter_id
        landmarks = handle["landmarks"][()]
        assert landmarks.shape == (68, 2)
        assert handle.attrs["landmark_source"] == "detector" and handle.attrs["video"] == "v"
        assert handle.attrs["stage"] == "face" and "softnet_version" in handle.attrs
    # the nose lies between the eyes and above the mouth
    assert landmarks[36:48, 1].mean() < landmarks[28, 1] < landmarks[48:68, 1].mean()
    assert landmarks[36:42, 0].mean() < landmarks[28, 0] < landmarks[42:48, 0].mean()


def test_failed_face_job_leaves_no_file(tmp_path, face_frame):
    frames = write_frames(tmp_path / "v", [face_frame])
    frames = FrameFolder((*frames.frames, tmp_path / "v" / "img002.jpg"))  # listed but missing
    out = tmp_path / "v.h5"
    with pytest.raises(VideoError, match="cannot read frame .*img002.jpg"):
        write_face_cache(frames, out, "s01/v", CropSettings(), default_landmark_model(), {})
    assert list(tmp_path.glob("v.h5*")) == []
