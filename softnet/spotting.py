"""From a video's score curve to spotted intervals (docs/method.md, step 7).

A video of T frames has T - k feature frames; feature frame i covers frames i .. i+k-1. The
curve is smoothed with a 2k-frame window, peaks above a relative threshold are kept, and each
peak at smoothed index q spots the 0-based frame interval [q, q + 2k]. That is the published
scripts' [q - k, q + k] in smoothed coordinates, which they compare with events shifted by -k;
comparing [q, q + 2k] with unshifted events gives the same IoUs.

Nothing is clipped. With a curve of T - k feature frames, q <= T - 3k - 1, so a peak's
interval ends at most at frame T - k - 1 and stays inside the video; only the dummy interval
[k, k] of a curve too short to smooth can lie past the last frame, exactly as published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import find_peaks

from softnet.datasets.kinds import natural_key

PEAK_COLUMNS = {
    "q": "int64",
    "score": "float64",
    "start0": "int64",
    "end0": "int64",
    "dummy": "bool",
}


def _check_k(k: int) -> None:
    """k = 0 would make the scripts' s[k:-k] silently empty and find_peaks reject distance 0."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")


def smooth(scores: np.ndarray, k: int) -> np.ndarray:
    """s'[j] = mean(s[j-k .. j+k-1]) for j in [k, len - k); index 0 is feature frame k.

    A curve of at most 2k values has no such j and gives an empty array.
    """
    _check_k(k)
    scores = np.asarray(scores, dtype=np.float64)
    n_smoothed = len(scores) - 2 * k
    if n_smoothed <= 0:
        return np.empty(0, dtype=np.float64)
    # Window x = j - k starts at frame x; the last full window (x = len - 2k) is not used.
    return sliding_window_view(scores, 2 * k)[:n_smoothed].mean(axis=1)


def threshold(smoothed: np.ndarray, p: float) -> float:
    """mean + p * (max - mean): relative to each video, so it adapts to the curve's scale."""
    smoothed = np.asarray(smoothed, dtype=np.float64)
    if smoothed.size == 0:
        raise ValueError("the threshold of an empty curve is undefined")
    mean = float(smoothed.mean())
    return mean + p * (float(smoothed.max()) - mean)


@dataclass(frozen=True)
class Spotting:
    """One video's spotting result.

    `peaks` has one row per spotted interval, in ascending peak order, with columns
    q (smoothed index of the peak; 0 for the dummy, the scripts' [0, 0]), score (smoothed
    score at q; NaN for the dummy, which is no peak), start0, end0 (0-based inclusive frame
    interval) and dummy (True for the interval the published scripts add when a video has no
    peak). `threshold` is NaN when the curve was too short to smooth.
    """

    k: int
    p: float
    threshold: float
    peaks: pd.DataFrame


def _table(q: np.ndarray, score: np.ndarray, start0: np.ndarray, end0: np.ndarray) -> pd.DataFrame:
    """Build the peaks table with fixed dtypes, so that empty tables concatenate cleanly."""
    table = pd.DataFrame({"q": q, "score": score, "start0": start0, "end0": end0})
    table["dummy"] = False
    return table.astype(PEAK_COLUMNS)


def spot(scores: np.ndarray, k: int, p: float, dummy_when_empty: bool = True) -> Spotting:
    """Spot intervals in one video's score curve (one score per feature frame).

    With `dummy_when_empty` (as published) a video without a peak gets the interval [k, k]
    (the scripts' [0, 0] in smoothed coordinates), marked dummy; it counts as a prediction.
    A curve too short to smooth (at most 2k values) has no peak, as in the scripts.
    """
    smoothed = smooth(scores, k)
    if smoothed.size:
        thr = threshold(smoothed, p)
        q, _ = find_peaks(smoothed, height=thr, distance=k)
    else:
        thr = float("nan")
        q = np.empty(0, dtype=np.int64)
    table = _table(q, smoothed[q], q, q + 2 * k)
    if table.empty and dummy_when_empty:
        table = _table(np.array([0]), np.array([np.nan]), np.array([k]), np.array([k]))
        table["dummy"] = True
    return Spotting(k=k, p=p, threshold=thr, peaks=table)


def one_based(peaks: pd.DataFrame) -> pd.DataFrame:
    """Add 1-based frame numbers onset = start0 + 1, offset = end0 + 1 for reports.

    For a peak that is onset = q + 1, offset = q + 2k + 1; for the dummy, k + 1 twice.
    """
    return peaks.assign(onset=peaks["start0"] + 1, offset=peaks["end0"] + 1)


def score_file(folder: str | Path, subject: str, video: str) -> Path:
    """Where a scores folder keeps a video's curve: <subject>/<video>.csv."""
    return Path(folder) / subject / f"{video}.csv"


def write_scores(path: Path, scores: np.ndarray) -> None:
    """A score-curve file: feature_frame (0-based), frame (1-based first frame of its window)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = range(len(scores))
    pd.DataFrame(
        {"feature_frame": frames, "frame": [f + 1 for f in frames], "score": scores}
    ).to_csv(path, index=False)


def read_scores(path: Path) -> tuple[str, str, np.ndarray]:
    """Subject, video and scores of a score-curve file (scores/<subject>/<video>.csv)."""
    path = Path(path)
    return path.parent.name, path.stem, pd.read_csv(path)["score"].to_numpy()


def score_files(folder: str | Path) -> list[Path]:
    """The score-curve files of a scores folder (<subject>/<video>.csv) in the index's order:
    subjects, then each one's videos, in natural order."""
    return sorted(
        Path(folder).glob("*/*.csv"),
        key=lambda path: (natural_key(path.parent.name), natural_key(path.stem)),
    )


INTERVAL_COLUMNS = ["subject", "video", "q", "score", "start0", "end0", "onset", "offset", "dummy"]


def spot_videos(
    curves: dict[tuple[str, str], np.ndarray],
    ks: dict[tuple[str, str], int],
    p: float,
    dummy_when_empty: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spot every (subject, video) curve with its own k: the intervals and each threshold."""
    intervals, thresholds = [], []
    for (subject, video), scores in curves.items():
        result = spot(scores, ks[(subject, video)], p, dummy_when_empty)
        intervals.append(one_based(result.peaks).assign(subject=subject, video=video))
        thresholds.append(
            {"subject": subject, "video": video, "k": result.k, "threshold": result.threshold}
        )
    table = pd.concat(intervals, ignore_index=True) if intervals else pd.DataFrame()
    return table.reindex(columns=INTERVAL_COLUMNS), pd.DataFrame(thresholds)


def in_seconds(intervals: pd.DataFrame, k: int, fps: float) -> pd.DataFrame:
    """Spotted intervals of one video for people: 1-based frames and seconds, dummies dropped.

    Frame n (1-based) is shown at time (n - 1) / fps. The peak frame is the middle of the
    interval, the last frame of the window whose smoothed score peaked.
    """
    real = intervals[~intervals["dummy"].astype(bool)]
    peak = real["onset"] + k
    return pd.DataFrame(
        {
            "onset": real["onset"].astype(int),
            "offset": real["offset"].astype(int),
            "peak_frame": peak.astype(int),
            "onset_s": ((real["onset"] - 1) / fps).round(3),
            "offset_s": ((real["offset"] - 1) / fps).round(3),
            "peak_s": ((peak - 1) / fps).round(3),
            "score": real["score"].round(6),
        }
    ).reset_index(drop=True)
