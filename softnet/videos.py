"""Where a video's frames come from: a folder of numbered images or a video file.

Both kinds of source give BGR uint8 frames in order, one at a time, so that a long video is
never held in memory, and both are cropped, flowed and scored exactly alike: a video file's
decoded frame goes through the same crop and JPEG round trip as a release's JPEG frame.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

#: Extensions of video files picked up when a folder is scanned; a file named explicitly is
#: tried with OpenCV whatever its extension.
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".m4v", ".mpg", ".mpeg", ".wmv", ".webm")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")


class VideoError(ValueError):
    """A video file or frame that cannot be read; the message names the file and the fix."""


#: A JPEG file starts with the SOI marker and, when complete, ends with the EOI marker.
JPEG_START, JPEG_END = b"\xff\xd8", b"\xff\xd9"
#: Bytes read from a JPEG frame's end to find its end marker, which some writers follow with
#: padding; the marker cannot occur in a cut-off file's compressed data (0xFF is escaped there).
JPEG_TAIL = 256


def read_frame(path: Path) -> np.ndarray:
    """A frame in colour, as cv2.imread reads it by default; an empty or cut-off file is an
    error, as cv2.imread decodes a truncated JPEG without one (grey below the cut)."""
    _check_whole_file(Path(path))
    image = cv2.imread(str(path))
    if image is None:
        raise VideoError(f"cannot read frame {path}: missing or not an image")
    return image


def _check_whole_file(path: Path) -> None:
    """Cheap next to decoding: the file's size and its last bytes, no pixels."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise VideoError(f"frame {path} is empty (0 bytes); copy it again from the dataset")
            if handle.read(2) != JPEG_START:
                return  # OpenCV returns None for a cut-off PNG, BMP or TIFF
            handle.seek(max(size - JPEG_TAIL, 0))
            tail = handle.read()
    except OSError as err:
        raise VideoError(f"cannot read frame {path}: {err.strerror}") from err
    if JPEG_END not in tail:
        raise VideoError(
            f"frame {path} is a truncated or corrupt JPEG (no end marker); copy it again "
            "from the dataset"
        )


@dataclass(frozen=True)
class FrameFolder:
    """A video stored as one image file per frame, already in frame order."""

    frames: tuple[Path, ...]

    @property
    def path(self) -> Path:
        return self.frames[0].parent

    def __len__(self) -> int:
        return len(self.frames)

    def frame_name(self, index: int) -> str:
        return self.frames[index].name

    def iter_frames(self) -> Iterator[np.ndarray]:
        """The frames in order; one face box is applied to all, so all must have one size."""
        first = None
        for path in self.frames:
            image = read_frame(path)
            if first is None:
                first = image.shape
            elif image.shape != first:
                raise VideoError(
                    f"{self.path}: frame {path.name} is {_size(image.shape)} pixels but "
                    f"{self.frames[0].name} is {_size(first)}; every frame of a video must "
                    f"have one size: replace or resize {path.name}"
                )
            yield image


@dataclass(frozen=True)
class VideoFile:
    """A video file decoded by OpenCV, frame by frame."""

    path: Path

    def frame_name(self, index: int) -> str:
        return f"{self.path.name} frame {index + 1}"

    def fps(self) -> float | None:
        """The container's frame rate, None when it does not say."""
        capture = _open(self.path)
        try:
            return _container_fps(capture)
        finally:
            capture.release()

    def iter_frames(self) -> Iterator[np.ndarray]:
        capture = _open(self.path)
        try:
            while True:
                ok, image = capture.read()
                if not ok:
                    return
                yield image
        finally:
            capture.release()


FrameSource = FrameFolder | VideoFile


def _size(shape: tuple[int, ...]) -> str:
    return f"{shape[1]}x{shape[0]}"


def _open(path: Path) -> cv2.VideoCapture:
    if not path.is_file():
        raise VideoError(f"video file {path} does not exist")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise VideoError(
            f"cannot open video {path}: not a video OpenCV can decode; convert it (e.g. to MP4 "
            "with H.264) or extract its frames into a folder"
        )
    return capture


@dataclass(frozen=True)
class VideoFacts:
    """What the index needs of a video file: its decodable frames and its container's fps."""

    frame_count: int
    fps: float | None


def probe_video(path: Path) -> VideoFacts:
    """Count the frames that actually decode (container counts are estimates) and read fps.

    A file that opens but yields no frame is an error: it is empty or truncated.
    """
    path = Path(path)
    capture = _open(path)
    try:
        fps = _container_fps(capture)
        count = 0
        while capture.grab():
            count += 1
    finally:
        capture.release()
    if count == 0:
        raise VideoError(f"video {path} has no decodable frame: the file is empty or truncated")
    return VideoFacts(count, fps)


def _container_fps(capture: cv2.VideoCapture) -> float | None:
    fps = capture.get(cv2.CAP_PROP_FPS)
    return fps if fps and math.isfinite(fps) and fps > 0 else None
