"""Face crops and landmarks (docs/method.md, steps 2 and 4): the detector runs once per video.

SOFTNet finds the face box in the first frame and reuses it for every frame, then finds
the 68 landmarks once, in the first 128x128 crop where the detector sees a face.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import dlib
import h5py
import numpy as np

from softnet.cache import atomic_h5, frame_dataset, write_provenance
from softnet.videos import FrameSource

log = logging.getLogger(__name__)

CROP_CODECS = ("jpeg", "lossless")
GROW_FRAMES = 256  # frames added to the crops dataset at a time while a video is decoded


class FaceError(RuntimeError):
    """No usable face in a video."""


@dataclass(frozen=True)
class FaceBox:
    """A face box in frame pixels; rows top:bottom, columns left:right (ends exclusive)."""

    top: int
    bottom: int
    left: int
    right: int

    @property
    def area(self) -> int:
        return max(self.bottom - self.top, 0) * max(self.right - self.left, 0)

    def as_array(self) -> np.ndarray:
        return np.array([self.top, self.bottom, self.left, self.right], dtype=np.int32)


@dataclass(frozen=True)
class CropSettings:
    """How a frame becomes a crop: size, and the published JPEG round trip or a lossless one."""

    size: int = 128
    codec: str = "jpeg"
    jpeg_quality: int = 95
    upsample: int = 1

    def __post_init__(self) -> None:
        if self.codec not in CROP_CODECS:
            raise ValueError(f"unknown crop codec {self.codec!r}; expected one of {CROP_CODECS}")


def default_landmark_model() -> Path:
    """The dlib 68-landmark model shipped by the face-recognition-models package."""
    import face_recognition_models

    return (
        Path(face_recognition_models.__file__).parent
        / "models"
        / "shape_predictor_68_face_landmarks.dat"
    )


@lru_cache(maxsize=1)
def face_detector() -> dlib.fhog_object_detector:
    """dlib's HOG frontal face detector, loaded once per process."""
    return dlib.get_frontal_face_detector()


@lru_cache(maxsize=2)
def _predictor(model: str) -> dlib.shape_predictor:
    if not Path(model).is_file():
        raise FileNotFoundError(
            f"landmark model {model} not found; set face.landmark_model in config.yaml"
        )
    return dlib.shape_predictor(model)


def fit_landmarks(image: np.ndarray, rect: dlib.rectangle, model: Path) -> np.ndarray:
    """The 68 (x, y) landmarks of the face in `rect`, as int32 pixels."""
    shape = _predictor(str(model))(image, rect)
    return np.array([[p.x, p.y] for p in shape.parts()], dtype=np.int32)


def largest_face(rects: Iterable[dlib.rectangle], height: int, width: int) -> FaceBox | None:
    """The largest detection, clamped to the frame (dlib boxes may stick out of it)."""
    boxes = [
        FaceBox(
            top=min(max(r.top(), 0), height),
            bottom=min(max(r.bottom(), 0), height),
            left=min(max(r.left(), 0), width),
            right=min(max(r.right(), 0), width),
        )
        for r in rects
    ]
    boxes = [b for b in boxes if b.area > 0]
    return max(boxes, key=lambda b: b.area) if boxes else None


def find_face_box(
    source: FrameSource, upsample: int, video: str, search_frames: int | None = None
) -> tuple[FaceBox, int]:
    """The face box of the first frame that has a face, and that frame's index.

    The published scripts assume the first frame has one; we search forward with a warning
    instead, at most `search_frames` frames (None: the whole video), and fail with the
    video's name when none of them has a face, rather than scan a long faceless video.
    """
    searched, bounded = 0, False
    for index, image in enumerate(source.iter_frames()):
        if search_frames is not None and index >= search_frames:
            bounded = True
            break
        searched = index + 1
        rects = face_detector()(image, upsample)
        if len(rects) > 1:
            log.warning(
                "%s: %d faces in %s; using the largest", video, len(rects), source.frame_name(index)
            )
        box = largest_face(rects, *image.shape[:2])
        if box is not None:
            if index:
                log.warning(
                    "%s: no face in the first %d frame(s); box from %s",
                    video,
                    index,
                    source.frame_name(index),
                )
            return box, index
    if not searched:
        raise FaceError(
            f"{video}: {source.path} has no decodable frame; the file is empty or truncated"
        )
    if bounded:
        where = f"the first {searched} frames (face.search_seconds allows {search_frames})"
    else:
        where = f"all {searched} frames of the video"
    raise FaceError(
        f"{video}: the face detector found no face in {source.path}: it searched {where}; "
        "SOFTNet needs one frontal face per video"
    )


def crop(image: np.ndarray, box: FaceBox, settings: CropSettings) -> np.ndarray:
    """The grayscale size x size crop of a colour frame.

    By default the colour crop goes through a JPEG encode and a grayscale decode, as the
    published scripts' write-then-read does; 'lossless' converts to grey directly.
    """
    colour = image[box.top : box.bottom, box.left : box.right]
    colour = cv2.resize(colour, (settings.size, settings.size))
    if settings.codec == "lossless":
        return cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
    ok, encoded = cv2.imencode(".jpg", colour, [cv2.IMWRITE_JPEG_QUALITY, settings.jpeg_quality])
    if not ok:
        raise FaceError("JPEG encoding of a crop failed")
    return cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)


def iter_crops(source: FrameSource, box: FaceBox, settings: CropSettings) -> Iterator[np.ndarray]:
    """Crops of every frame with one box, one frame in memory at a time."""
    for image in source.iter_frames():
        yield crop(image, box, settings)


def crop_landmarks(crop_image: np.ndarray, upsample: int, model: Path) -> np.ndarray | None:
    """The 68 (x, y) landmarks of the first face the detector finds in a crop, else None."""
    rects = face_detector()(crop_image, upsample)
    return fit_landmarks(crop_image, rects[0], model) if len(rects) else None


def whole_crop_landmarks(crop_image: np.ndarray, model: Path) -> np.ndarray:
    """Landmarks fitted to the whole crop, for videos whose crops never show a detectable face."""
    height, width = crop_image.shape[:2]
    return fit_landmarks(crop_image, dlib.rectangle(0, 0, width - 1, height - 1), model)


def write_face_cache(
    source: FrameSource,
    path: Path,
    video: str,
    settings: CropSettings,
    landmark_model: Path,
    provenance: dict[str, object],
    search_frames: int | None = None,
) -> None:
    """Write a video's face cache: crops (T, size, size) uint8, box, landmarks (68, 2).

    The file is shared by every k and expression type of the video. The crops are appended as
    they are decoded, since a video file's frame count is only known once it is read.
    """
    box, box_frame = find_face_box(source, settings.upsample, video, search_frames)
    landmarks, landmark_frame, landmark_source = None, -1, "detector"
    with atomic_h5(path) as handle:
        crops = frame_dataset(handle, "crops", (0, settings.size, settings.size), "uint8")
        count = 0
        for count, crop_image in enumerate(iter_crops(source, box, settings), start=1):
            if count > len(crops):
                crops.resize(len(crops) + GROW_FRAMES, axis=0)
            crops[count - 1] = crop_image
            if landmarks is None:
                landmarks = crop_landmarks(crop_image, settings.upsample, landmark_model)
                landmark_frame = count - 1
            if count % 1000 == 0:
                log.info("%s: %d frames cropped", video, count)
        crops.resize(count, axis=0)
        if landmarks is None:
            log.warning("%s: no face in any crop; landmarks fitted to the whole first crop", video)
            landmarks = whole_crop_landmarks(crops[0], landmark_model)
            landmark_frame, landmark_source = 0, "whole_crop"
        handle.create_dataset("box", data=box.as_array())
        handle.create_dataset("landmarks", data=landmarks)
        write_provenance(
            handle,
            "face",
            **provenance,
            params={
                "size": settings.size,
                "codec": settings.codec,
                "jpeg_quality": settings.jpeg_quality,
                "upsample": settings.upsample,
                "landmark_model": Path(landmark_model).name,
            },
            frame_count=count,
            first_frame=source.frame_name(0),
            box_frame=box_frame,
            landmark_frame=landmark_frame,
            landmark_source=landmark_source,
        )
    log.info("%s: %d crops, box %s from frame %d", video, count, box, box_frame)


def write_skip_record(path: Path, video: str, reason: str, provenance: dict[str, object]) -> None:
    """The face file of a spot input that cannot be processed: no crops, only why (`skipped`).

    The spot run then skips the video and says why, without trying it again until its source
    changes (a newer file reruns the face job).
    """
    with atomic_h5(path) as handle:
        write_provenance(handle, "face", **provenance, skipped=reason)
    log.warning("%s: skipped: %s", video, reason)


def skip_reason(path: Path) -> str:
    """Why a face file records its video as skipped; '' for a face cache."""
    with h5py.File(path, "r") as handle:
        return str(handle.attrs.get("skipped", ""))
