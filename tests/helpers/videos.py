"""Video files for the tests: frames written with OpenCV, noise frames without a face."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0, codec: str = "FFV1"):
    """A video file of BGR frames; FFV1 in AVI is lossless, so decoding gives them back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*codec), fps, (width, height))
    assert writer.isOpened(), f"OpenCV cannot write {codec} to {path}"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def noise_frames(count: int, seed: int = 0, size: tuple[int, int] = (32, 24)) -> list[np.ndarray]:
    """`count` frames of uniform noise, `size` (width, height): a video without a face."""
    rng = np.random.default_rng(seed)
    width, height = size
    return [rng.integers(0, 256, (height, width, 3), dtype=np.uint8) for _ in range(count)]


def folder_to_video(folder: Path, path: Path, codec: str) -> Path:
    """A frame folder's JPEGs, decoded as the workflow reads them, as one video file."""
    frames = [cv2.imread(str(p)) for p in sorted(folder.glob("img*.jpg"))]
    return write_video(path, frames, 30.0, codec)
