"""How F1, precision and recall change with the threshold's p, from cached score curves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from softnet.evaluation import counts_row, evaluate_videos, pooled
from softnet.spotting import spot


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
