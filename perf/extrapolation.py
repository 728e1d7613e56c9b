"""CPU-hours and disk of the real releases, extrapolated from a run's rates per frame or pair."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from softnet.datasets.kinds import EXPRESSION_TYPES, PUBLISHED_K


@dataclass(frozen=True)
class RealDataset:
    """A release's size. `pairs` and `folds` are those of the labelled scope (the default)."""

    name: str
    videos: int
    frames: int
    k: dict[str, int]
    pairs: dict[str, int]
    folds: dict[str, int]


#: Videos and frames as the releases hold them, the published k, and the subjects with events
#: of a type (its folds; for SAMM-LV all 30, an upper bound). Pairs: frames - k of the videos
#: with an event of the type, rounded to thousands.
REAL_DATASETS = (
    RealDataset(
        "CAS(ME)^2",
        videos=98,
        frames=254_094,
        k=PUBLISHED_K["casme2"],
        pairs={"micro": 80_000, "macro": 234_000},
        folds={"micro": 14, "macro": 20},
    ),
    RealDataset(
        "SAMM-LV",
        videos=147,
        frames=482_797,
        k=PUBLISHED_K["sammlv"],
        pairs={"micro": 311_000, "macro": 437_000},
        folds={"micro": 30, "macro": 30},
    ),
)

HOURS = ["faces_cpu_h", "flow_cpu_h", "roi_cpu_h", "training_cpu_h", "scoring_cpu_h"]


def extrapolate(
    stages: pd.DataFrame,
    samples_per_s: dict[str, float],
    training_threads: int,
    epochs: int,
    datasets: tuple[RealDataset, ...] = REAL_DATASETS,
) -> pd.DataFrame:
    """CPU-hours and disk of the real datasets at the measured rates.

    Faces: every video's frames. Flow and ROI: the labelled scope's pairs. Training
    (approximate): a fold learns from about half the other folds' frames (the published
    downsampling keeps the few positives and as many negatives as half the majority), for
    `epochs` epochs, at the measured samples per second with `training_threads` threads.
    Scoring: the labelled scope's feature frames (one per pair) at the type's measured CPU
    seconds per frame, whose jobs' TensorFlow start makes it an upper bound (a release's job
    scores far more frames per start).
    """

    def rate(stage: str, column: str, kind: str | None = None) -> float:
        """Mean CPU seconds or bytes per frame or pair of a stage (of one type), over its jobs'
        units."""
        chosen = stages[stages["stage"] == stage]
        if kind is not None:
            chosen = chosen[chosen["type"] == kind]
        if not chosen["units"].sum():
            return float("nan")
        return (chosen[column] * chosen["units"]).sum() / chosen["units"].sum()

    rows = []
    for data in datasets:
        parts = [
            {
                "part": "faces, every video",
                "units": data.frames,
                "unit": "frames",
                "faces_cpu_h": data.frames * rate("faces", "cpu_seconds_per_unit") / 3600,
                "disk_gb": data.frames * rate("faces", "bytes_per_unit") / 1e9,
            }
        ]
        for kind in EXPRESSION_TYPES:
            pairs, folds = data.pairs[kind], data.folds[kind]
            training = float("nan")
            if kind in samples_per_s:
                sample_epochs = epochs * pairs * (folds - 1) / 2
                training = sample_epochs * training_threads / samples_per_s[kind] / 3600
            stored = rate("flow", "bytes_per_unit") + rate("roi", "bytes_per_unit")
            parts.append(
                {
                    "part": f"{kind} (k = {data.k[kind]})",
                    "units": pairs,
                    "unit": "pairs",
                    "flow_cpu_h": pairs * rate("flow", "cpu_seconds_per_unit") / 3600,
                    "roi_cpu_h": pairs * rate("roi", "cpu_seconds_per_unit") / 3600,
                    "training_cpu_h": training,
                    "scoring_cpu_h": pairs * rate("scoring", "cpu_seconds_per_unit", kind) / 3600,
                    "disk_gb": pairs * stored / 1e9,
                }
            )
        table = pd.DataFrame(parts).reindex(columns=["part", "units", "unit", *HOURS, "disk_gb"])
        total = table[[*HOURS, "disk_gb"]].sum(min_count=1).to_dict()
        rows += table.to_dict("records") + [{"part": "total", "unit": ""} | total]
        for row in rows[-len(parts) - 1 :]:
            row["dataset"] = data.name
    columns = ["dataset", "part", "units", "unit", *HOURS, "disk_gb"]
    return pd.DataFrame(rows).reindex(columns=columns)
