"""Small stand-ins the unit and perf tests share: ROI files, a recording model, float frames."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np


class RecordingModel:
    """Stands in for SOFTNet and its `CompiledSteps` (also for `train_on_batch`): records the
    samples each SGD step is given."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, bytes]] = []

    def train_on_batch(self, streams: list[np.ndarray], target: np.ndarray) -> tuple[float, float]:
        frames = np.concatenate(streams, axis=-1)
        self.samples += [(float(y), frame.tobytes()) for y, frame in zip(target, frames)]
        return 0.0, 0.0

    def run(self, batches) -> tuple[list[float], list[float]]:
        steps = [self.train_on_batch(streams, target) for streams, target in batches]
        return [loss for loss, _ in steps], [mae for _, mae in steps]


def roi_files(
    folder: Path, videos: int = 2, frames: int = 30
) -> tuple[list[Path], list[np.ndarray]]:
    rng = np.random.default_rng(0)
    files, labels = [], []
    for number in range(videos):
        path = folder / f"s{number}" / f"v{number}.h5"
        path.parent.mkdir(parents=True)
        y = np.zeros(frames, np.uint8)
        y[10:16] = 1
        rois = rng.random((frames, 42, 42, 3), dtype=np.float32)
        rois[y == 1, 21:] += 2.0  # the "mouth" moves during the event
        with h5py.File(path, "w") as handle:
            handle["roi"] = rois
        files.append(path)
        labels.append(y)
    return files, labels


ODD_FLOATS = np.array(
    [
        0.0,
        -0.0,
        np.inf,
        -np.inf,
        np.nan,
        np.finfo(np.float32).max,
        np.finfo(np.float32).min,
        np.finfo(np.float32).tiny,  # smallest normal
        np.finfo(np.float32).smallest_subnormal,
        -np.finfo(np.float32).smallest_subnormal,
        1.0 + np.finfo(np.float32).eps,
        1e-30,
        -3.4e38,
    ],
    dtype=np.float32,
)


def odd_float_frames(frames: int = 5, size: int = 16) -> np.ndarray:
    """Random bit patterns (NaNs with payloads among them), smooth values and the odd ones."""
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2**32, size=(frames, size, size, 3), dtype=np.uint32).view(np.float32)
    smooth = rng.normal(0, 2, size=(frames, size, size, 3)).astype(np.float32)
    values = np.where(rng.random(bits.shape) < 0.5, bits, smooth)
    values[0, 0, : len(ODD_FLOATS), 0] = ODD_FLOATS
    values[1, 3, :4, :] = np.float32(np.nan).view(np.uint32) | np.uint32(0x12345)  # NaN payload
    return values
