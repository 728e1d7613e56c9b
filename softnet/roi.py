"""From flow frames to 42x42x3 ROI stacks (docs/method.md, step 4).

Head motion is removed by subtracting the flow around the nose, the eyes (blinks) are
masked, and the eyebrow and mouth regions, where expressions move, are stacked.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import h5py
import numpy as np

from softnet.cache import atomic_h5, frame_dataset, write_provenance

log = logging.getLogger(__name__)

NOSE = 28
LEFT_EYE = range(36, 42)
RIGHT_EYE = range(42, 48)
BLOCK_FRAMES = 256  # flow frames in memory at once: 256 x 128 x 128 x 3 float32 = 48 MiB


@dataclass(frozen=True)
class ROIParams:
    """Geometry of the preprocessing, in pixels of the 128x128 crop; defaults as published."""

    nose_half_width: int = 5
    eye_margin: int = 15
    roi_margin: int = 12
    roi_width: int = 42
    roi_height: int = 21


@dataclass(frozen=True)
class Box:
    """Rows top:bottom, columns left:right of the crop (Python slices: ends exclusive)."""

    top: int
    bottom: int
    left: int
    right: int


def remove_head_motion(flow: np.ndarray, nose: tuple[int, int], half_width: int) -> np.ndarray:
    """Subtract each channel's mean over the box around the nose; |.| for u and v.

    `flow` is (N, H, W, 3); the nose barely moves with expressions, so its flow is head motion.
    """
    x, y = nose
    box = flow[
        :, max(y - half_width, 0) : y + half_width + 1, max(x - half_width, 0) : x + half_width + 1
    ]
    means = box.mean(axis=(1, 2), keepdims=True, dtype=np.float32)
    out = flow - means
    np.abs(out[..., :2], out=out[..., :2])
    return out


def eye_polygons(landmarks: np.ndarray, margin: int, size: int) -> list[np.ndarray]:
    """The two eye hexagons: each eye's 6 landmarks pushed outwards by `margin`, clamped."""
    push = np.array(
        [[-margin, 0], [0, -margin], [0, -margin], [margin, 0], [0, margin], [0, margin]]
    )
    return [
        np.clip(landmarks[list(eye)] + push, 0, size).astype(np.int32)
        for eye in (LEFT_EYE, RIGHT_EYE)
    ]


def eye_mask(landmarks: np.ndarray, margin: int, size: int) -> np.ndarray:
    """(size, size) bool, False inside the eye hexagons (filled one by one, as published)."""
    mask = np.ones((size, size), dtype=np.uint8)
    for polygon in eye_polygons(landmarks, margin, size):
        cv2.fillPoly(mask, [polygon], 0)
    return mask.astype(bool)


def roi_boxes(landmarks: np.ndarray, margin: int, size: int) -> tuple[Box, Box]:
    """Eyebrow and mouth boxes from the landmarks, each margin clamped to [0, size]."""
    x, y = landmarks[:, 0], landmarks[:, 1]

    def low(value: int) -> int:
        return max(int(value) - margin, 0)

    def high(value: int) -> int:
        return min(int(value) + margin, size)

    eyebrows = Box(
        top=min(low(y[19]), low(y[24])),
        bottom=max(high(y[41]), high(y[46])),
        left=low(x[17]),
        right=high(x[26]),
    )
    mouth = Box(top=low(y[50]), bottom=high(y[57]), left=low(x[60]), right=high(x[64]))
    return eyebrows, mouth


def roi_stack(frame: np.ndarray, eyebrows: Box, mouth: Box, params: ROIParams) -> np.ndarray:
    """Eyebrows resized on top of mouth resized: (2 * roi_height, roi_width, 3)."""
    size = (params.roi_width, params.roi_height)
    parts = [cv2.resize(frame[b.top : b.bottom, b.left : b.right], size) for b in (eyebrows, mouth)]
    return np.concatenate(parts, axis=0)


def preprocess(flow: np.ndarray, landmarks: np.ndarray, params: ROIParams) -> np.ndarray:
    """(N, H, W, 3) flow frames to (N, 2 * roi_height, roi_width, 3) float32 ROI stacks."""
    size = flow.shape[1]
    nose = (int(landmarks[NOSE, 0]), int(landmarks[NOSE, 1]))
    cleaned = remove_head_motion(flow.astype(np.float32, copy=False), nose, params.nose_half_width)
    cleaned[:, ~eye_mask(landmarks, params.eye_margin, size)] = 0.0
    eyebrows, mouth = roi_boxes(landmarks, params.roi_margin, size)
    return np.stack([roi_stack(frame, eyebrows, mouth, params) for frame in cleaned])


def write_roi_cache(
    flow_path: Path,
    face_path: Path,
    path: Path,
    params: ROIParams,
    provenance: dict[str, object],
) -> None:
    """Write a video's (T-k, 42, 42, 3) float32 ROI stacks, streaming the flow in blocks."""
    with h5py.File(face_path, "r") as face:
        landmarks = face["landmarks"][()]
    with h5py.File(flow_path, "r") as source, atomic_h5(path) as handle:
        flow = source["flow"]
        frames = flow.shape[0]
        shape = (frames, 2 * params.roi_height, params.roi_width, 3)
        rois = frame_dataset(handle, "roi", shape, "float32")
        for start in range(0, frames, BLOCK_FRAMES):
            stop = min(start + BLOCK_FRAMES, frames)
            rois[start:stop] = preprocess(flow[start:stop], landmarks, params)
        eyebrows, mouth = roi_boxes(landmarks, params.roi_margin, flow.shape[1])
        write_provenance(
            handle,
            "roi",
            **provenance,
            k=int(source.attrs["k"]),
            params=asdict(params),
            eyebrow_box=asdict(eyebrows),
            mouth_box=asdict(mouth),
            channels=["u", "v", "strain"],
        )
    log.info("%s: %d ROI stacks", path, frames)
