"""Figures that a user opens: score curves, timelines, p sweeps, training losses."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: jobs run without a display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import ConnectionPatch  # noqa: E402

from softnet.spotting import smooth  # noqa: E402

#: Colours of spotted intervals: true and false positives on labelled videos, else "spotted".
RESULT_COLOURS = {"TP": "C2", "FP": "C3", "spotted": "C1"}


def plot_score_curve(
    path: Path,
    title: str,
    scores: np.ndarray,
    k: int,
    threshold: float | None,
    events: list[tuple[int, int]],
    intervals: pd.DataFrame,
) -> None:
    """One video: raw and smoothed scores, threshold, ground truth and spotted intervals.

    The x axis is the 1-based frame number; feature frame i is drawn at the first frame of
    its window (i + 1). `events` are 1-based (onset, end); `intervals` has 1-based onset,
    offset and, on labelled videos, a `result` column (TP or FP).
    """
    figure, axis = plt.subplots(figsize=(11, 3.2))
    frames = np.arange(1, len(scores) + 1)
    axis.plot(frames, scores, color="0.7", linewidth=0.8, label="score")
    smoothed = smooth(scores, k)
    if len(smoothed):
        axis.plot(frames[k : k + len(smoothed)], smoothed, color="C0", label="smoothed")
    if threshold is not None:
        axis.axhline(threshold, color="C3", linestyle="--", linewidth=1, label="threshold")
    for number, (onset, end) in enumerate(events):
        label = "ground truth" if number == 0 else None
        axis.axvspan(onset, end, color="C2", alpha=0.25, label=label)
    top = max(float(np.max(scores, initial=0.0)), threshold or 0.0)
    results = intervals.get("result", pd.Series("spotted", index=intervals.index))
    for result, colour in RESULT_COLOURS.items():
        chosen = intervals[results == result]
        for number, row in enumerate(chosen.itertuples()):
            label = f"spotted ({result})" if result != "spotted" else "spotted"
            axis.hlines(
                top * 1.05,
                row.onset,
                row.offset,
                colors=colour,
                linewidth=4,
                label=label if number == 0 else None,
            )
    axis.set(title=title, xlabel="frame", ylabel="score", xlim=(1, len(scores) + 2 * k))
    axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def plot_timeline(
    path: Path,
    title: str,
    frame_count: int,
    fps: float,
    lanes: dict[str, pd.DataFrame],
    crops: Sequence[np.ndarray],
    per_lane: int = 8,
) -> None:
    """One video's spotted intervals of every type on one time axis, with face thumbnails.

    `lanes` maps an expression type to its intervals (1-based onset, offset, peak_frame,
    score and optionally result); `crops` are the video's face crops (an HDF5 dataset reads
    only the frames shown).
    Each lane shows the crops at the peaks of its `per_lane` best-scoring intervals, in time
    order, joined to where they happened: looking at a face is quicker than reading frames.
    """
    names = list(lanes)
    figure = plt.figure(figsize=(12, 2.0 + 1.7 * len(names)))
    timeline = figure.add_axes((0.07, 0.5 - 0.08 * len(names), 0.9, 0.16 * len(names)))
    for lane, name in enumerate(names):
        for row in lanes[name].itertuples():
            colour = RESULT_COLOURS.get(getattr(row, "result", "spotted"), "C1")
            timeline.broken_barh(
                [(row.onset, row.offset - row.onset + 1)], (lane - 0.3, 0.6), color=colour
            )
    timeline.set(xlim=(1, frame_count), ylim=(-0.6, len(names) - 0.4), yticks=range(len(names)))
    timeline.set_yticklabels(names)
    seconds = timeline.secondary_xaxis(
        "top", functions=(lambda f: (f - 1) / fps, lambda s: s * fps + 1)
    )
    seconds.set_xlabel("seconds")
    timeline.set_xlabel("frame")
    figure.text(0.5, 0.995, title, ha="center", va="top")
    for lane, name in enumerate(names):
        best = lanes[name].nlargest(per_lane, "score").sort_values("peak_frame")
        above = lane == len(names) - 1  # the top lane's thumbnails above, the other's below
        wanted = [
            0.07 + 0.9 * (r.peak_frame - 1) / max(frame_count - 1, 1) for r in best.itertuples()
        ]
        for left, row in zip(_spread(wanted, 0.1, 0.01, 0.99), best.itertuples()):
            bottom = 0.77 if above else 0.02
            thumb = figure.add_axes((left, bottom, 0.09, 0.14))
            thumb.imshow(crops[int(row.peak_frame) - 1], cmap="gray", vmin=0, vmax=255)
            thumb.set_xticks([])
            thumb.set_yticks([])
            thumb.set_title(
                f"{row.peak_frame} ({(row.peak_frame - 1) / fps:.2f} s)", fontsize=7, pad=2
            )
            colour = RESULT_COLOURS.get(getattr(row, "result", "spotted"), "C1")
            for spine in thumb.spines.values():
                spine.set_color(colour)
                spine.set_linewidth(2)
            figure.add_artist(
                ConnectionPatch(
                    xyA=(0.5, 0.0 if above else 1.0),
                    coordsA=thumb.transAxes,
                    xyB=(row.peak_frame, lane),
                    coordsB=timeline.transData,
                    color="0.5",
                    linewidth=0.7,
                )
            )
    figure.savefig(path, dpi=80)
    plt.close(figure)


def _spread(centres: list[float], width: float, low: float, high: float) -> list[float]:
    """Left edges of boxes of `width` as near their (sorted) centres as they fit side by side."""
    lefts: list[float] = []
    for centre in centres:
        lefts.append(max(centre - width / 2, low, lefts[-1] + width if lefts else low))
    overflow = (lefts[-1] + width - high) if lefts else 0.0
    for index in range(len(lefts) - 1, -1, -1):
        if overflow <= 0:
            break
        limit = lefts[index - 1] + width if index else low
        shift = min(overflow, lefts[index] - limit)
        lefts[index:] = [left - shift for left in lefts[index:]]
        overflow -= shift
    return lefts


def plot_p_sweep(path: Path, title: str, sweep: pd.DataFrame) -> None:
    """F1, precision and recall against p, from a table with those columns."""
    figure, axis = plt.subplots(figsize=(6, 4))
    for column in ("F1", "precision", "recall"):
        axis.plot(sweep["p"], sweep[column], marker="o", markersize=3, label=column)
    best = sweep.loc[sweep["F1"].idxmax()]
    axis.axvline(best["p"], color="0.6", linestyle=":", label=f"best F1 {best['F1']:.3f}")
    axis.set(title=title, xlabel="p", ylabel="value", ylim=(0, 1.02))
    axis.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def plot_training_loss(path: Path, title: str, histories: dict[str, pd.DataFrame]) -> None:
    """Training loss per epoch, one line per fold (held-out subject)."""
    figure, axis = plt.subplots(figsize=(6, 4))
    for subject, history in histories.items():
        if len(history):
            axis.plot(history["epoch"], history["loss"], marker="o", markersize=3, label=subject)
    if not any(len(h) for h in histories.values()):
        axis.text(0.5, 0.5, "published weights: no training", ha="center", transform=axis.transAxes)
    axis.set(title=title, xlabel="epoch", ylabel="MSE loss")
    if len(histories) <= 12:
        axis.legend(fontsize="small", title="held out")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
