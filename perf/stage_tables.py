"""What a run's jobs recorded, read into tables: Snakemake's benchmark files, the cache files'
sizes and the training logs, aggregated per stage into time, CPU, memory and disk per unit."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import h5py
import pandas as pd

from softnet.datasets.kinds import EXPRESSION_TYPES

#: The cache file of each stage, and its dataset whose first axis counts frames or pairs.
CACHE_DATASETS = {"faces": "crops", "flow": "flow", "roi": "roi"}
UNITS = {"faces": "frame", "flow": "pair", "roi": "pair", "training": "fold", "scoring": "frame"}
JOB_COLUMNS = ["stage", "type", "k", "subject", "video", "seconds", "max_rss_mb"]
SAMPLES_LINE = re.compile(r"(\d+) training samples")
#: "epoch 2/10 (0.412 s, 1165 samples/s): {...}", its seconds read at any precision.
EPOCH_LINE = re.compile(r"epoch (\d+)/(\d+) \((\d+(?:\.\d+)?) s\b")


def job_of(relative: PurePosixPath) -> dict | None:
    """Stage, type, k, subject and video of a benchmark file under benchmarks/<dataset>/.

    Scores are read per type (<type>/score_folds.tsv), and from earlier runs per held-out
    subject (<type>/scores/<subject>.tsv) and per video (<type>/scores/<subject>/<video>.tsv);
    other files (applied models) are not stages here.
    """
    job = {"type": "", "k": None, "video": ""}
    match relative.with_suffix("").parts:
        case ("faces", subject, video):
            return job | {"stage": "faces", "subject": subject, "video": video}
        case ("flow" | "roi" as stage, folder, subject, video) if re.fullmatch(r"k\d+", folder):
            return job | {"stage": stage, "k": int(folder[1:]), "subject": subject, "video": video}
        case (kind, "train_fold", subject) if kind in EXPRESSION_TYPES:
            return job | {"stage": "training", "type": kind, "subject": subject}
        case (kind, "scores", subject, video) if kind in EXPRESSION_TYPES:
            return job | {"stage": "scoring", "type": kind, "subject": subject, "video": video}
        case (kind, "scores", subject) if kind in EXPRESSION_TYPES:
            return job | {"stage": "scoring", "type": kind, "subject": subject}
        case (kind, "score_folds") if kind in EXPRESSION_TYPES:
            return job | {"stage": "scoring", "type": kind, "subject": ""}
    return None


def read_benchmarks(folder: Path) -> pd.DataFrame:
    """One row per benchmarked job: its stage, seconds and peak RSS (MB; NaN if not sampled).

    Snakemake samples RSS, summed over the job's processes, every 0.5 s for 15 s, then every
    30 s. Of repeated measurements the first is read.
    """
    rows = []
    for path in sorted(Path(folder).rglob("*.tsv")):
        job = job_of(PurePosixPath(path.relative_to(folder).as_posix()))
        if job is None:
            continue
        record = pd.read_csv(path, sep="\t").iloc[0]
        rss = pd.to_numeric(record["max_rss"], errors="coerce")
        rows.append(job | {"seconds": float(record["s"]), "max_rss_mb": float(rss)})
    return pd.DataFrame(rows, columns=JOB_COLUMNS)


def cache_files(results: Path) -> pd.DataFrame:
    """Stage, k, subject, video, frames (or pairs) and bytes of every face, flow and ROI file."""
    rows = []
    for stage, name in CACHE_DATASETS.items():
        for path in sorted((Path(results) / stage).rglob("*.h5")):
            parts = path.relative_to(Path(results) / stage).with_suffix("").parts
            with h5py.File(path, "r") as handle:
                frames = handle[name].shape[0]
            rows.append(
                {
                    "stage": stage,
                    "k": int(parts[0][1:]) if stage != "faces" else None,
                    "subject": parts[-2],
                    "video": parts[-1],
                    "frames": frames,
                    "bytes": path.stat().st_size,
                }
            )
    columns = ["stage", "k", "subject", "video", "frames", "bytes"]
    return pd.DataFrame(rows, columns=columns).astype({"k": "Int64"})


def training_progress(text: str) -> tuple[int, float] | None:
    """(samples x epochs timed, seconds) of one training log, None if it trained nothing.

    The epochs after the first, each for the seconds its line states, so that the rate is
    the one the log shows: the first epoch also traces the training step. A run of one epoch
    gives that epoch.
    """
    samples, seconds = None, []
    for line in text.splitlines():
        if samples is None and (found := SAMPLES_LINE.search(line)):
            samples = int(found.group(1))
        elif samples is not None and (found := EPOCH_LINE.search(line)):
            seconds.append(float(found.group(3)))
    if samples is None or not seconds:
        return None
    timed = seconds[1:] or seconds
    return samples * len(timed), sum(timed)


def training_totals(folder: Path) -> tuple[int, float]:
    """(samples x epochs timed, seconds) over the training logs in `folder`, the epochs after
    the first of each; logs that trained nothing, or took no time, left out."""
    done = [training_progress(path.read_text()) for path in sorted(Path(folder).glob("*.log"))]
    done = [d for d in done if d is not None and d[1] > 0]
    return sum(d[0] for d in done), sum(d[1] for d in done)


def training_rates(logs: Path, summary: dict) -> dict[str, float]:
    """Training samples per second of each type, over its folds' logs (epochs after the first)."""
    rates = {}
    for kind in EXPRESSION_TYPES:
        samples, seconds = training_totals(Path(logs) / kind / "train_fold")
        if kind in summary and seconds:
            rates[kind] = samples / seconds
    return rates


def k_types(summary: dict) -> dict[int, str]:
    """k -> the expression types that use it ('micro', or 'micro+macro' when they share k)."""
    names: dict[int, list[str]] = {}
    for kind in EXPRESSION_TYPES:
        if kind in summary:
            names.setdefault(int(summary[kind]["k"]), []).append(kind)
    return {k: "+".join(kinds) for k, kinds in names.items()}


def stage_table(
    jobs: pd.DataFrame, caches: pd.DataFrame, summary: dict, workers: int, training_threads: int
) -> pd.DataFrame:
    """Per stage (and type or k): jobs, frames or pairs, seconds per unit, CPU seconds per
    unit (seconds x the job's threads: `workers` for flow jobs), peak RSS and bytes on disk
    per cached frame or pair."""
    types = k_types(summary)
    rows = []

    def add(stage, kind, k, chosen, units, threads, stored=float("nan")):
        seconds = chosen["seconds"].sum()
        rows.append(
            {
                "stage": stage,
                "type": kind,
                "k": k,
                "jobs": len(chosen),
                "units": units,
                "unit": UNITS[stage],
                "job_seconds": seconds,
                "seconds_per_unit": seconds / units if units else float("nan"),
                "cpu_seconds_per_unit": threads * seconds / units if units else float("nan"),
                "peak_rss_mb": chosen["max_rss_mb"].max(),
                "bytes_per_unit": stored,
            }
        )

    keys = ["stage", "k", "subject", "video"]
    measured = jobs.astype({"k": "Int64"}).merge(caches, on=keys)
    for stage, threads in (("faces", 1), ("flow", workers), ("roi", 1)):
        for k, chosen in measured[measured["stage"] == stage].groupby("k", dropna=False):
            k = None if pd.isna(k) else int(k)
            units = chosen["frames"].sum()
            add(stage, types.get(k, ""), k, chosen, units, threads, chosen["bytes"].sum() / units)
    for stage, threads in (("training", training_threads), ("scoring", training_threads)):
        for kind in EXPRESSION_TYPES:
            chosen = jobs[(jobs["stage"] == stage) & (jobs["type"] == kind)]
            if kind not in summary or chosen.empty:
                continue
            k = int(summary[kind]["k"])
            units = scored_frames(chosen, caches, k) if stage == "scoring" else len(chosen)
            add(stage, kind, k, chosen, units, threads)
    return pd.DataFrame(rows)


def scored_frames(jobs: pd.DataFrame, caches: pd.DataFrame, k: int) -> int:
    """Feature frames the scoring jobs scored: their videos' ROI frames at k (every video at k
    for a type's job, whose subject is ''; all of a subject's videos for a job per held-out
    subject, whose video is '')."""
    rois = caches[(caches["stage"] == "roi") & (caches["k"] == k)]
    frames = 0
    for subject, video in zip(jobs["subject"], jobs["video"]):
        scored = rois["subject"] == subject if subject else rois["subject"].notna()
        if video:
            scored &= rois["video"] == video
        frames += int(rois["frames"][scored].sum())
    return frames
