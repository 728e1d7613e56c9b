"""Figures and tables that a user opens: score curves, p sweeps, losses, the paper's table."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: jobs run without a display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from softnet.evaluation import Counts, evaluate_videos, pooled  # noqa: E402
from softnet.spotting import smooth, spot  # noqa: E402

#: F1 of the paper (MEGC 2020 protocol), spec section 11.
PAPER_F1 = {
    "casme2": {"macro": 0.2410, "micro": 0.1173, "overall": 0.2022},
    "sammlv": {"macro": 0.2169, "micro": 0.1520, "overall": 0.1881},
}
#: TP, FP, FN that the authors' script prints with their published weights, spec section 11.
PUBLISHED_WEIGHTS = {
    "casme2": {"micro": Counts(18, 327, 39), "macro": Counts(91, 348, 209)},
    "sammlv": {"micro": Counts(41, 323, 118), "macro": Counts(60, 231, 273)},
}


def counts_row(counts: Counts) -> dict[str, float]:
    return {
        "TP": counts.tp,
        "FP": counts.fp,
        "FN": counts.fn,
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
        "F1": round(counts.f1, 4),
    }


def paper_table(per_scope: dict[str, dict[str, Counts]], kind: str) -> pd.DataFrame:
    """Per scope, rows macro, micro, overall (pooled counts), beside the published F1s.

    `per_scope` maps a scope (labelled, all) to the counts of each expression type; the
    paper's F1 and the published weights' F1 stand beside the labelled scope, where the
    published scripts measured them.
    """
    rows = []
    for scope, per_type in per_scope.items():
        names = [name for name in ("macro", "micro") if name in per_type]
        pooled = sum(per_type.values(), Counts(0, 0, 0))
        for name, counts in [*((n, per_type[n]) for n in names), ("overall", pooled)]:
            published = scope == "labelled"
            weights = PUBLISHED_WEIGHTS.get(kind, {}).get(name) if published else None
            if name == "overall" and published and len(PUBLISHED_WEIGHTS.get(kind, {})) == 2:
                weights = sum(PUBLISHED_WEIGHTS[kind].values(), Counts(0, 0, 0))
            rows.append(
                {
                    "scope": scope,
                    "expression": name,
                    **counts_row(counts),
                    "paper_F1": PAPER_F1.get(kind, {}).get(name) if published else None,
                    "published_weights_F1": round(weights.f1, 4) if weights else None,
                }
            )
    return pd.DataFrame(rows)


def sweep_p(
    curves: dict[tuple[str, str], np.ndarray],
    k: int,
    used: pd.DataFrame,
    grid: list[float],
    dummy_interval: bool,
) -> pd.DataFrame:
    """Pooled TP, FP, FN, precision, recall and F1 at every p of `grid`, from score curves."""
    videos = pd.DataFrame(list(curves), columns=["subject", "video"])
    rows = []
    for p in grid:
        spotted = [
            spot(scores, k, p, dummy_interval).peaks.assign(subject=subject, video=video)
            for (subject, video), scores in curves.items()
        ]
        _, per_video = evaluate_videos(pd.concat(spotted, ignore_index=True), used, videos)
        rows.append({"p": p, **counts_row(pooled(per_video))})
    return pd.DataFrame(rows)


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
    offset and a `result` column (TP or FP).
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
    for result, colour in (("TP", "C2"), ("FP", "C3")):
        chosen = intervals[intervals["result"] == result]
        for number, row in enumerate(chosen.itertuples()):
            label = f"spotted ({result})" if number == 0 else None
            axis.hlines(top * 1.05, row.onset, row.offset, colors=colour, linewidth=4, label=label)
    axis.set(title=title, xlabel="frame", ylabel="score", xlim=(1, len(scores) + 2 * k))
    axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


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
