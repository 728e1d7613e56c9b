"""Time, memory and disk of every stage, measured in one run on the machine at hand.

    python -m perf.benchmark                                  # the demo (4 x 200 frames)
    python -m perf.benchmark --layout sammlv                  # SAMM-LV layout, 3 x 1000 frames
    python -m perf.benchmark --configfile my.yaml --dataset casme2   # a configured dataset
    python -m perf.benchmark --from-run DIR                   # read a finished run

Runs `snakemake all` from frames in a fresh working folder and times it, then reads what the
jobs recorded (Snakemake's benchmarks/*.tsv, the training logs, the cache files), times bare
TV-L1 on the same crops with the same number of single-thread workers, the flow stage's
throughput with 1 worker and with all cores, and TensorFlow's start-up, checks the targets,
and extrapolates to the real datasets. Writes <output>/<name>.csv (every number) and
<name>.md (the README tables, also printed).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import h5py
import pandas as pd
import yaml

from perf.flow_engines import bare_tvl1, machine, pair_features, pool_seconds
from softnet.applied.models import PUBLISHED_K
from softnet.datasets.index import load_events, load_k, load_videos
from softnet.datasets.kinds import EXPRESSION_TYPES, layout_kind
from softnet.datasets.layout import list_frames
from softnet.face import FaceBox
from softnet.flow.tvl1 import TVL1Params

if TYPE_CHECKING:  # TensorFlow only where measured
    from perf.scripts_timing import ScriptsFoldTiming

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "schemas" / "config.schema.yaml"


@dataclass(frozen=True)
class ScriptsReference:
    """Wall seconds per stage of the authors' published scripts on one data set."""

    provenance: str
    layout: str
    videos: int
    frames: int
    k: dict[str, int]
    seconds: dict[str, float]


#: The published SOFTNet scripts, timed stage by stage by an earlier session of this project.
SCRIPTS_REFERENCE = ScriptsReference(
    provenance=(
        "the published SOFTNet scripts on a SAMM-LV-layout set of 3 synthetic videos x 1000 "
        "frames (k = 33 micro, 134 macro), timed by an earlier session on this project's "
        "2-core machine"
    ),
    layout="sammlv",
    videos=3,
    frames=1000,
    k={"micro": 33, "macro": 134},
    seconds={
        "cropping": 288.0,
        "features micro": 537.0,
        "features macro": 417.0,
        "training micro": 90.0,
        "training macro": 42.0,
    },
)


@dataclass(frozen=True)
class RealDataset:
    """A release's size. `pairs` and `folds` are those of the labelled scope (the default)."""

    name: str
    videos: int
    frames: int
    k: dict[str, int]
    pairs: dict[str, int]
    folds: dict[str, int]


#: Videos, frames, k and the subjects with events of a type: ../shared/DATASETS.md. Pairs
#: (frames - k of the videos with an event of the type): the README's SLURM section, rounded
#: to thousands. SAMM-LV's subjects per type are not listed: all 30 is an upper bound.
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

#: Issue 9's targets, each a ratio measured in the same run.
MAX_FLOW_OVER_BARE = 1.05
MIN_SPEEDUP_PER_WORKER = 0.9  # 2 workers >= 1.8 x one
MAX_END_TO_END_OVER_SCRIPTS = 0.5
MAX_LOADING_OVER_MEMORY = 1.2  # training step with ROI loading / on batches in memory
MAX_FOLD_OVER_SCRIPTS = 1.0  # a fold's jobs / the scripts' loop on the same samples

#: The cache file of each stage, and its dataset whose first axis counts frames or pairs.
CACHE_DATASETS = {"faces": "crops", "flow": "flow", "roi": "roi"}
UNITS = {"faces": "frame", "flow": "pair", "roi": "pair", "training": "fold", "scoring": "frame"}
JOB_COLUMNS = ["stage", "type", "k", "subject", "video", "seconds", "max_rss_mb"]
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
SAMPLES_LINE = re.compile(r"(\d+) training samples")
EPOCH_LINE = re.compile(r"epoch (\d+)/(\d+) \(")  # "epoch 2/10 (0.4 s): {...}"
#: What a TensorFlow job does before its work: start Python, import, build SOFTNet, predict once.
TENSORFLOW_START = (
    "import numpy as np\n"
    "from softnet.model.network import build_softnet\n"
    "from softnet.model.scoring import predict_scores\n"
    "predict_scores(build_softnet(seed=1), np.zeros((1, 42, 42, 3), np.float32))\n"
)


@dataclass
class Measure:
    """One measured number, with its target where issue 9 sets one."""

    section: str
    item: str
    value: float
    unit: str
    type: str = ""
    target: str = ""
    met: bool | None = None
    detail: str = ""


# ---------------------------------------------------------------------------------------------
# Reading what a run recorded


def job_of(relative: PurePosixPath) -> dict | None:
    """Stage, type, k, subject and video of a benchmark file under benchmarks/<dataset>/.

    Scores are read both per video (<type>/scores/<subject>/<video>.tsv) and per held-out
    subject (<type>/scores/<subject>.tsv); other files (applied models) are not stages here.
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

    The epochs after the first are timed, from the first epoch's line to the last's: the
    first epoch also builds the model and traces the training step. A run of one epoch is
    timed from its samples line.
    """
    samples, marks = None, []
    for line in text.splitlines():
        stamp = LOG_LINE.match(line)
        if stamp is None:
            continue
        when = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f")
        if samples is None and (found := SAMPLES_LINE.search(line)):
            samples, marks = int(found.group(1)), [when]
        elif samples is not None and EPOCH_LINE.search(line):
            marks.append(when)
    epochs = len(marks) - 1
    if samples is None or epochs < 1:
        return None
    first = marks[1] if epochs > 1 else marks[0]
    timed = epochs - 1 if epochs > 1 else 1
    return samples * timed, (marks[-1] - first).total_seconds()


def k_types(summary: dict) -> dict[int, str]:
    """k -> the expression types that use it ('micro', or 'micro+macro' when they share k)."""
    names: dict[int, list[str]] = {}
    for kind in EXPRESSION_TYPES:
        if kind in summary:
            names.setdefault(int(summary[kind]["k"]), []).append(kind)
    return {k: "+".join(kinds) for k, kinds in names.items()}


# ---------------------------------------------------------------------------------------------
# Aggregation


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
    for stage, threads in (("training", training_threads), ("scoring", 1)):
        for kind in EXPRESSION_TYPES:
            chosen = jobs[(jobs["stage"] == stage) & (jobs["type"] == kind)]
            if kind not in summary or chosen.empty:
                continue
            k = int(summary[kind]["k"])
            units = scored_frames(chosen, caches, k) if stage == "scoring" else len(chosen)
            add(stage, kind, k, chosen, units, threads)
    return pd.DataFrame(rows)


def scored_frames(jobs: pd.DataFrame, caches: pd.DataFrame, k: int) -> int:
    """Feature frames the scoring jobs scored: their videos' ROI frames at k (all of a
    subject's videos for a job per held-out subject, whose video is '')."""
    rois = caches[(caches["stage"] == "roi") & (caches["k"] == k)]
    frames = 0
    for subject, video in zip(jobs["subject"], jobs["video"]):
        scored = rois["subject"] == subject
        if video:
            scored &= rois["video"] == video
        frames += int(rois["frames"][scored].sum())
    return frames


def training_rates(logs: Path, summary: dict) -> dict[str, float]:
    """Training samples per second of each type, over its folds' logs (epochs after the first)."""
    rates = {}
    for kind in EXPRESSION_TYPES:
        done = [
            training_progress(path.read_text())
            for path in sorted((Path(logs) / kind / "train_fold").glob("*.log"))
        ]
        done = [d for d in done if d is not None and d[1] > 0]
        if kind in summary and done:
            rates[kind] = sum(d[0] for d in done) / sum(d[1] for d in done)
    return rates


def scripts_comparison(stages: pd.DataFrame, summary: dict) -> dict[str, float]:
    """This workflow's job seconds in the scripts' stages: cropping, features and training
    (with scoring) per type. Sums of job seconds: jobs that ran side by side add up."""

    def seconds(stage, k=None, kind=None):
        chosen = stages[stages["stage"] == stage]
        if k is not None:
            chosen = chosen[chosen["k"] == k]
        if kind is not None:
            chosen = chosen[chosen["type"] == kind]
        return float(chosen["job_seconds"].sum())

    ours = {"cropping": seconds("faces")}
    for kind in EXPRESSION_TYPES:
        if kind in summary:
            k = int(summary[kind]["k"])
            ours[f"features {kind}"] = seconds("flow", k) + seconds("roi", k)
            ours[f"training {kind}"] = seconds("training", kind=kind) + seconds(
                "scoring", kind=kind
            )
    return ours


def like_the_reference(videos: pd.DataFrame, kind: str) -> bool:
    """Whether a run's data has the size and layout the scripts' reference was timed on."""
    used = videos[videos["excluded"].fillna("") == ""]
    return (
        layout_kind(kind) == SCRIPTS_REFERENCE.layout
        and len(used) == SCRIPTS_REFERENCE.videos
        and bool((used["frame_count"] == SCRIPTS_REFERENCE.frames).all())
    )


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
    """

    def rate(stage: str, column: str) -> float:
        """Mean CPU seconds or bytes per frame or pair of a stage, over its jobs' units."""
        chosen = stages[stages["stage"] == stage]
        if not chosen["units"].sum():
            return float("nan")
        return (chosen[column] * chosen["units"]).sum() / chosen["units"].sum()

    hours = ["faces_cpu_h", "flow_cpu_h", "roi_cpu_h", "training_cpu_h"]
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
                    "disk_gb": pairs * stored / 1e9,
                }
            )
        table = pd.DataFrame(parts).reindex(columns=["part", "units", "unit", *hours, "disk_gb"])
        total = table[[*hours, "disk_gb"]].sum(min_count=1).to_dict()
        rows += table.to_dict("records") + [{"part": "total", "unit": ""} | total]
        for row in rows[-len(parts) - 1 :]:
            row["dataset"] = data.name
    columns = ["dataset", "part", "units", "unit", *hours, "disk_gb"]
    return pd.DataFrame(rows).reindex(columns=columns)


def targets(
    flow_over_bare: float, speedup: float, workers_all: int, end_to_end_ratio: float | None
) -> list[Measure]:
    """Issue 9's three targets as met / not met (None: not measurable in this run)."""
    least = MIN_SPEEDUP_PER_WORKER * workers_all
    return [
        Measure(
            "targets",
            "flow stage / bare TV-L1, same workers",
            flow_over_bare,
            "x",
            target=f"<= {MAX_FLOW_OVER_BARE}",
            met=flow_over_bare <= MAX_FLOW_OVER_BARE,
        ),
        Measure(
            "targets",
            f"flow throughput, {workers_all} workers / 1 worker",
            speedup,
            "x",
            target=f">= {least:.2f}",
            met=speedup >= least,
        ),
        Measure(
            "targets",
            "end to end / the published scripts re-enacted",
            float("nan") if end_to_end_ratio is None else end_to_end_ratio,
            "x",
            target=f"<= {MAX_END_TO_END_OVER_SCRIPTS}",
            met=None
            if end_to_end_ratio is None
            else end_to_end_ratio <= MAX_END_TO_END_OVER_SCRIPTS,
            detail=(
                "not measured: no wall time (a finished run read), or data the scripts "
                "cannot read (video files)"
                if end_to_end_ratio is None
                else ""
            ),
        ),
    ]


def training_measures(
    run: Run, jobs: pd.DataFrame, steps: int, startup_s: float
) -> tuple[list[Measure], dict[str, float]]:
    """Per type: the training loader's step time against the same steps on batches held in
    memory (fold 0: every labelled video, the final model's fold), and fold 1's training and
    scoring jobs against the published scripts' loop re-enacted on the same samples. Also
    returns the scripts' training seconds per type: every fold's loop and one start."""
    # TensorFlow is imported here, not with the module: the rest of the command runs without.
    from perf.loading import measure_loading
    from perf.scripts_timing import time_scripts_fold
    from softnet.datasets.labels import used_events
    from softnet.model.folds import fold_subjects
    from softnet.model.training import TrainingParams, video_labels
    from softnet.tensorflow_setup import configure_tensorflow

    results = run.workdir / "results" / run.dataset
    videos = load_videos(results / "index" / "videos.csv")
    events = load_events(results / "index" / "events.csv")
    names = {setting.name for setting in fields(TrainingParams)}
    settings = {k: v for k, v in run.config["training"].items() if k in names}
    params = TrainingParams(**settings)
    configure_tensorflow(run.training_threads, params.seed)
    measures: list[Measure] = []
    scripts_s: dict[str, float] = {}
    for expression_type in EXPRESSION_TYPES:
        used = used_events(events, run.kind, expression_type)
        if used.empty:
            continue
        k = load_k(results / "index" / "summary.json", expression_type)
        labelled = videos.merge(used[["subject", "video"]].drop_duplicates())
        files = [
            results / "roi" / f"k{k}" / subject / f"{video}.h5"
            for subject, video in zip(labelled["subject"], labelled["video"])
        ]
        labels = video_labels(files, used, k)
        print(f"timing the training loader ({expression_type}, {steps} steps)", flush=True)
        timing = measure_loading(files, labels, expression_type, params, params.seed * 1000, steps)
        measures.append(
            Measure(
                "tensorflow",
                "training step: ROI loading vs in memory",
                timing.ratio,
                "x",
                expression_type,
                target=f"<= {MAX_LOADING_OVER_MEMORY}",
                met=timing.ratio <= MAX_LOADING_OVER_MEMORY,
                detail=(
                    f"{timing.step_s_loading * 1000:.1f} ms against "
                    f"{timing.step_s_in_memory * 1000:.1f} ms a step over {timing.steps} "
                    f"steps of fold 0; reading a batch alone {timing.load_s * 1000:.1f} ms"
                ),
            )
        )
        folds = fold_subjects(videos, used)
        if len(folds) < 2:
            continue
        timings = []
        for fold, subject in enumerate(folds, start=1):
            print(f"timing the scripts' training loop, {expression_type} fold {fold}", flush=True)
            held_out = (labelled["subject"] == subject).to_numpy()
            timings.append(
                time_scripts_fold(
                    [f for f, out in zip(files, held_out) if not out],
                    [y for y, out in zip(labels, held_out) if not out],
                    [f for f, out in zip(files, held_out) if out],
                    [y for y, out in zip(labels, held_out) if out],
                    expression_type,
                    params,
                    fold_seed=params.seed * 1000 + fold,
                )
            )
        scripts_s[expression_type] = sum(t.seconds for t in timings) + startup_s
        measures += fold_measures(jobs, expression_type, folds, timings[0], startup_s)
    return measures, scripts_s


def fold_measures(
    jobs: pd.DataFrame,
    expression_type: str,
    folds: list[str],
    scripts: ScriptsFoldTiming,
    startup_s: float,
) -> list[Measure]:
    """Fold 1 in this run (its training and scoring jobs, a TensorFlow start each) against
    the scripts' loop on the same samples and epochs plus their one start shared by the folds."""
    mine = jobs[(jobs["type"] == expression_type) & (jobs["subject"] == folds[0])]
    training = float(mine.loc[mine["stage"] == "training", "seconds"].sum())
    scoring = float(mine.loc[mine["stage"] == "scoring", "seconds"].sum())
    if not training or not scoring:
        return []
    theirs = scripts.seconds + startup_s / len(folds)
    ours = training + scoring
    return [
        Measure(
            "tensorflow",
            "fold 1: training job + scoring job",
            ours,
            "s",
            expression_type,
            detail=f"{training:.1f} s + {scoring:.1f} s, a TensorFlow start each",
        ),
        Measure(
            "tensorflow",
            "fold 1: the scripts' loop, same samples and epochs",
            theirs,
            "s",
            expression_type,
            detail=(
                f"{scripts.samples} samples: fit with validation {scripts.fit_s:.1f} s, "
                f"predict {scripts.predict_s:.1f} s ({scripts.held_out_frames} frames), "
                f"start-up {startup_s:.1f} s / {len(folds)} folds"
            ),
        ),
        Measure(
            "targets",
            "fold 1, start-up included / the scripts' loop",
            ours / theirs,
            "x",
            expression_type,
            target=f"<= {MAX_FOLD_OVER_SCRIPTS}",
            met=ours / theirs <= MAX_FOLD_OVER_SCRIPTS,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Writing


def long_table(stages: pd.DataFrame, measures: list[Measure], extra: pd.DataFrame) -> pd.DataFrame:
    """Every number in one CSV: section, item, type, k, value, unit, target, met, detail."""
    rows = []
    for stage in stages.to_dict("records"):
        for column, unit in (
            ("jobs", "jobs"),
            ("units", f"{stage['unit']}s"),
            ("job_seconds", "s"),
            ("seconds_per_unit", f"s/{stage['unit']}"),
            ("cpu_seconds_per_unit", f"CPU s/{stage['unit']}"),
            ("peak_rss_mb", "MB"),
            ("bytes_per_unit", f"B/{stage['unit']}"),
        ):
            rows.append(
                {
                    "section": "stages",
                    "item": f"{stage['stage']} {column}",
                    "type": stage["type"],
                    "k": stage["k"],
                    "value": stage[column],
                    "unit": unit,
                }
            )
    rows += [asdict(m) | {"k": None} for m in measures]
    for row in extra.to_dict("records"):
        for column in (
            "units",
            "faces_cpu_h",
            "flow_cpu_h",
            "roi_cpu_h",
            "training_cpu_h",
            "disk_gb",
        ):
            if pd.notna(row[column]):
                rows.append(
                    {
                        "section": "extrapolation",
                        "item": f"{row['dataset']} {row['part']} {column}",
                        "value": row[column],
                        "unit": row["unit"] if column == "units" else column.rsplit("_", 1)[-1],
                    }
                )
    columns = ["section", "item", "type", "k", "value", "unit", "target", "met", "detail"]
    return pd.DataFrame(rows).reindex(columns=columns).astype({"k": "Int64"})


def _number(value: float, digits: int = 3) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _per_unit(seconds: float, unit: str) -> str:
    if pd.isna(seconds):
        return "n/a"
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms/{unit}"
    return f"{seconds:.3g} s/{unit}"


def markdown(title: str, stages: pd.DataFrame, measures: list[Measure], extra: pd.DataFrame) -> str:
    """The README tables: per stage, the measures with their targets, the extrapolation."""
    lines = [f"### {title}", ""]
    lines += [
        "| stage | type | k | jobs | frames or pairs | time per frame or pair | CPU per frame or "
        "pair | peak RSS (MB) | bytes on disk per frame or pair |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in stages.to_dict("records"):
        k = "" if s["k"] is None or pd.isna(s["k"]) else int(s["k"])
        lines.append(
            f"| {s['stage']} | {s['type']} | {k} | {s['jobs']} | {int(s['units'])} | "
            f"{_per_unit(s['seconds_per_unit'], s['unit'])} | "
            f"{_per_unit(s['cpu_seconds_per_unit'], s['unit'])} | {_number(s['peak_rss_mb'])} | "
            f"{_number(s['bytes_per_unit'])} |"
        )
    lines += ["", "| measure | type | value | target | met |", "|---|---|---|---|---|"]
    for m in measures:
        met = {True: "met", False: "not met", None: ""}[m.met]
        value = f"{_number(m.value)} {m.unit}".strip() if pd.notna(m.value) else "n/a"
        note = f" ({m.detail})" if m.detail else ""
        lines.append(f"| {m.item}{note} | {m.type} | {value} | {m.target} | {met} |")
    lines += [
        "",
        "| real dataset | part | frames or pairs | CPU-hours: faces | flow | ROI | training "
        "(approx.) | disk (GB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in extra.to_dict("records"):
        units = "" if pd.isna(row["units"]) else f"{int(row['units']):,}"
        cells = [
            _number(row[c], 2) if pd.notna(row[c]) else ""
            for c in ("faces_cpu_h", "flow_cpu_h", "roi_cpu_h", "training_cpu_h", "disk_gb")
        ]
        lines.append(f"| {row['dataset']} | {row['part']} | {units} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class Run:
    """A finished workflow run to read: its folder, config, dataset and how it was timed."""

    workdir: Path
    config: dict
    dataset: str
    cores: int
    wall_seconds: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return next(d["kind"] for d in self.config["datasets"] if d["name"] == self.dataset)

    @property
    def workers(self) -> int:
        """Worker processes of each flow job: flow.threads, capped by --cores."""
        return min(int(self.config["flow"]["threads"]), self.cores)

    @property
    def training_threads(self) -> int:
        return min(int(self.config["training"]["threads"]), self.cores)


def validated(config: dict) -> dict:
    """The config with the schema's defaults filled in, as the workflow sees it."""
    from snakemake.utils import validate

    validate(config, str(SCHEMA))
    return config


def snakemake(workdir: Path, cores: int, *targets: str) -> float:
    """Run the workflow in `workdir`; its wall seconds. Its output goes to snakemake.log there."""
    if not (REPO / "Snakefile").is_file():
        raise SystemExit(f"{REPO} holds no Snakefile: run the benchmark from a checkout")
    command = [sys.executable, "-m", "snakemake", *targets, "--snakefile", str(REPO / "Snakefile")]
    command += ["--directory", str(workdir), "--cores", str(cores)]
    log = workdir / "snakemake.log"
    start = time.perf_counter()
    with open(log, "w") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if done.returncode:
        tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
        raise SystemExit(f"snakemake failed in {workdir} (full output: {log}):\n{tail}")
    return seconds


def synthetic_run(args: argparse.Namespace, workdir: Path) -> Run:
    """Make the synthetic set (not timed), then time `snakemake all` on it from its frames."""
    from softnet.datasets.demo import make_demo

    folder = "CASME_sq" if args.layout == "casme2" else "SAMMLV"
    root = workdir / "data" / folder
    print(f"making the {args.layout}-layout demo set in {root}", flush=True)
    make_demo(root, subjects=args.subjects, frames=args.frames, seed=args.seed, layout=args.layout)
    name = "demo" if args.layout == "casme2" else "demo_samm"
    config = {
        "datasets": [{"name": name, "kind": args.layout, "root": str(root)}],
        "flow": {"threads": args.cores},
    }
    return timed_run(workdir, config, name, args.cores)


def configured_run(args: argparse.Namespace, workdir: Path) -> Run:
    """Time `snakemake all` on one dataset of a config file (paths relative to here resolved)."""
    config = yaml.safe_load(Path(args.configfile).read_text()) or {}
    chosen = [d for d in config.get("datasets", []) if d["name"] == args.dataset]
    if not chosen:
        names = [d["name"] for d in config.get("datasets", [])]
        raise SystemExit(f"{args.configfile}: no dataset named {args.dataset!r} (found {names})")
    for entry in chosen:
        if entry.get("root"):
            entry["root"] = str(Path(entry["root"]).resolve())
    config["datasets"] = chosen
    config.pop("cross_evaluation", None)
    for section, key in (("training", "pretrained"), (None, "published_weights")):
        holder = config.get(section, {}) if section else config
        if holder.get(key):
            holder[key] = str(Path(holder[key]).resolve())
    return timed_run(workdir, config, args.dataset, args.cores)


def timed_run(workdir: Path, config: dict, name: str, cores: int) -> Run:
    fresh = not (workdir / "results" / name).exists()
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    print(f"running snakemake all in {workdir} on {cores} cores", flush=True)
    seconds = snakemake(workdir, cores, "all")
    run = Run(workdir, validated(config), name, cores, seconds if fresh else None)
    if not fresh:
        run.notes.append(f"{workdir} held a previous run: end to end not measured")
    return run


def existing_run(args: argparse.Namespace) -> Run:
    """A finished run in --from-run: nothing is run, so there is no end-to-end time."""
    workdir = Path(args.from_run)
    config = validated(yaml.safe_load((workdir / "config.yaml").read_text()) or {})
    name = args.dataset or config["datasets"][0]["name"]
    return Run(workdir, config, name, args.cores, None, ["read from a finished run"])


def flow_measures(
    run: Run, stages: pd.DataFrame, caches: pd.DataFrame, args: argparse.Namespace
) -> tuple[list[Measure], float, float]:
    """The flow stage against bare TV-L1 on the same pairs and workers, and its throughput with
    1 worker and all cores. Returns the measures, the ratio to bare TV-L1 and the speed-up."""
    results = run.workdir / "results" / run.dataset
    params = TVL1Params.from_config(run.config["flow"]["tvl1"])
    flows = caches[caches["stage"] == "flow"]
    jobs = stages[stages["stage"] == "flow"]
    stage_per_pair = jobs["job_seconds"].sum() / jobs["units"].sum()

    def faces(row) -> Path:
        return results / "faces" / row.subject / f"{row.video}.h5"

    print(f"timing bare TV-L1 on {run.workers} workers", flush=True)
    bare_seconds = bare_pairs = 0
    for row in flows.itertuples():
        count = min(row.frames, args.bare_pairs or row.frames)
        bare_seconds += pool_seconds(faces(row), int(row.k), params, run.workers, bare_tvl1, count)
        bare_pairs += count
    bare_per_pair = bare_seconds / bare_pairs
    workers = f"{run.workers} workers"
    measures = [
        Measure("flow", f"flow stage, time per pair ({workers})", stage_per_pair * 1000, "ms"),
        Measure(
            "flow",
            f"bare DualTVL1OpticalFlow.calc, time per pair ({workers})",
            bare_per_pair * 1000,
            "ms",
            detail=(
                "the same pairs"
                if bare_pairs == flows["frames"].sum()
                else f"{bare_pairs} of the stage's {flows['frames'].sum()} pairs"
            ),
        ),
    ]
    if run.config["flow"]["engine"] != "opencv":
        measures[-1].detail += "; the flow stage ran the tensorflow engine"

    first = next(flows.itertuples())
    count = min(int(first.frames), args.sample_pairs)
    print(f"timing the flow stage on {count} pairs with 1 and {run.cores} workers", flush=True)
    rates = {
        n: count / pool_seconds(faces(first), int(first.k), params, n, pair_features, count)
        for n in (1, run.cores)
    }
    measures += [
        Measure(
            "flow",
            "flow throughput, 1 worker",
            rates[1],
            "pairs/s",
            detail=f"{count} pairs of {first.video}, k = {int(first.k)}",
        ),
        Measure("flow", f"flow throughput, {run.cores} workers", rates[run.cores], "pairs/s"),
    ]
    return measures, stage_per_pair / bare_per_pair, rates[run.cores] / rates[1]


def tensorflow_startup() -> float:
    """Wall seconds of a fresh process that does what every TensorFlow job does first."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", TENSORFLOW_START], cwd=REPO, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"TensorFlow start-up failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def tensorflow_measures(
    run: Run,
    jobs: pd.DataFrame,
    stages: pd.DataFrame,
    samples_per_s: dict[str, float],
    steps: int,
) -> tuple[list[Measure], dict[str, float]]:
    """Start-up per job, and per type training samples per second, time per fold, scoring,
    the loader and fold 1 against the scripts' loop; the scripts' training seconds per type."""
    print("timing TensorFlow's start-up", flush=True)
    startup = tensorflow_startup()
    item = "start-up per job (Python, imports, SOFTNet built, one prediction)"
    measures = [Measure("tensorflow", item, startup, "s")]
    for kind in EXPRESSION_TYPES:
        if kind in samples_per_s:
            item = f"training samples per second ({run.training_threads} threads)"
            measures.append(Measure("tensorflow", item, samples_per_s[kind], "samples/s", kind))
        for stage, item in (("training", "time per fold"), ("scoring", "scoring time per job")):
            chosen = stages[(stages["stage"] == stage) & (stages["type"] == kind)]
            for row in chosen.itertuples():
                measures.append(Measure("tensorflow", item, row.job_seconds / row.jobs, "s", kind))
    training, scripts_s = training_measures(run, jobs, steps, startup)
    return measures + training, scripts_s


def scripts_measures(
    run: Run,
    stages: pd.DataFrame,
    caches: pd.DataFrame,
    videos: pd.DataFrame,
    sample: int,
    training_s: dict[str, float],
) -> tuple[list[Measure], float | None]:
    """The published scripts re-enacted on this run's data: cropping and features timed on
    `sample` frames and pairs of the first video and scaled to all of them, their ROI
    pre-processing taken as this run's, training from every fold's loop (`training_s`).
    Returns the measures and the scripts' estimated seconds, None where not re-enactable
    (videos given as files: the scripts read frame folders)."""
    from perf.scripts_timing import time_scripts_cropping, time_scripts_flow

    results = run.workdir / "results" / run.dataset
    used = videos[videos["excluded"].fillna("") == ""]
    first = used.iloc[0]
    if not Path(first.source).is_dir() or not training_s:
        return [], None
    frames = list_frames(run.kind, Path(first.source), first.video)[:sample]
    with h5py.File(results / "faces" / first.subject / f"{first.video}.h5", "r") as handle:
        box = FaceBox(*(int(x) for x in handle["box"][()]))
    print(f"timing the scripts' cropping on {len(frames)} frames", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        per_frame = time_scripts_cropping(frames, box, Path(scratch))
    flows = caches[caches["stage"] == "flow"]
    row = next(flows.itertuples())
    face = results / "faces" / row.subject / f"{row.video}.h5"
    params = TVL1Params.from_config(run.config["flow"]["tvl1"])
    count = min(int(row.frames), sample)
    print(f"timing the scripts' features on {count} pairs", flush=True)
    with multiprocessing.get_context("forkserver").Pool(1) as pool:
        per_pair = pool.apply(time_scripts_flow, (face, int(row.k), params, count))
    roi_s = float(stages.loc[stages["stage"] == "roi", "job_seconds"].sum())
    parts = {
        "cropping": per_frame * int(used["frame_count"].sum()),
        "features": per_pair * int(flows["frames"].sum()) + roi_s,
        "training": sum(training_s.values()),
    }
    total = sum(parts.values())
    flow_s = float(stages.loc[stages["stage"] == "flow", "job_seconds"].sum())
    section = "scripts re-enacted"
    return [
        Measure(
            section,
            "cropping, time per frame",
            per_frame * 1000,
            "ms",
            detail=(
                f"{len(frames)} frames of {first.video}: read, crop, resize, JPEG written and read"
            ),
        ),
        Measure(
            section,
            "features, time per pair",
            per_pair * 1000,
            "ms",
            detail=(
                f"one process, OpenCV's {os.cpu_count()} threads, {count} pairs of {row.video}"
            ),
        ),
        Measure(
            section,
            "all stages, this run's data",
            total,
            "s",
            detail=", ".join(f"{stage} {seconds:.0f} s" for stage, seconds in parts.items())
            + " (their ROI pre-processing taken as this run's; training: every fold's loop "
            "and one TensorFlow start per type)",
        ),
        Measure(
            section,
            "this run's flow jobs alone / the scripts' stages",
            flow_s / total,
            "x",
            detail="the least end to end could be with every other stage free",
        ),
    ], total


def end_to_end_measures(
    run: Run, stages: pd.DataFrame, summary: dict, comparable: bool
) -> list[Measure]:
    """The run's wall time, and beside the scripts' times stored from another day when the
    data match theirs (for the record: the target compares with the scripts re-enacted)."""
    measures = []
    if run.wall_seconds is not None:
        item = "workflow, snakemake all from frames"
        measures.append(Measure("end to end", item, run.wall_seconds, "s"))
    if not comparable:
        return measures
    if run.wall_seconds is not None:
        scripts = sum(SCRIPTS_REFERENCE.seconds.values())
        ks = ", ".join(f"{t} {summary[t]['k']}" for t in EXPRESSION_TYPES if t in summary)
        provenance = f"{SCRIPTS_REFERENCE.provenance}; this run's k: {ks}"
        measures += [
            Measure("end to end", "published scripts (stored)", scripts, "s", detail=provenance),
            Measure(
                "end to end",
                "workflow / the scripts' stored times",
                run.wall_seconds / scripts,
                "x",
            ),
        ]
    ours = scripts_comparison(stages, summary)
    for stage, seconds in SCRIPTS_REFERENCE.seconds.items():
        if stage in ours:
            item = f"{stage}: sum of job seconds / the scripts' {seconds:.0f} s"
            measures.append(Measure("end to end", item, ours[stage] / seconds, "x"))
    return measures


def measure(run: Run, args: argparse.Namespace) -> tuple[pd.DataFrame, list[Measure], pd.DataFrame]:
    """Read the run, time bare TV-L1, the flow throughput and TensorFlow's start-up."""
    results = run.workdir / "results" / run.dataset
    summary = json.loads((results / "index" / "summary.json").read_text())
    videos = load_videos(results / "index" / "videos.csv")
    caches = cache_files(results)
    jobs = read_benchmarks(run.workdir / "benchmarks" / run.dataset)
    stages = stage_table(jobs, caches, summary, run.workers, run.training_threads)
    samples_per_s = training_rates(run.workdir / "logs" / run.dataset, summary)

    flow, flow_over_bare, speedup = flow_measures(run, stages, caches, args)
    tensorflow, training_s = tensorflow_measures(
        run, jobs, stages, samples_per_s, args.loader_steps
    )
    scripts, scripts_s = scripts_measures(
        run, stages, caches, videos, args.sample_pairs, training_s
    )
    comparable = like_the_reference(videos, run.kind)
    end_to_end = end_to_end_measures(run, stages, summary, comparable)
    ratio = None
    if run.wall_seconds is not None and scripts_s:
        ratio = run.wall_seconds / scripts_s
    measures = [
        *flow,
        *tensorflow,
        *scripts,
        *end_to_end,
        *targets(flow_over_bare, speedup, run.cores, ratio),
    ]
    epochs = int(run.config["training"]["epochs"])
    return stages, measures, extrapolate(stages, samples_per_s, run.training_threads, epochs)


def describe(run: Run) -> str:
    """The title line: data, machine, workers, date."""
    results = run.workdir / "results" / run.dataset
    videos = load_videos(results / "index" / "videos.csv")
    summary = json.loads((results / "index" / "summary.json").read_text())
    ks = ", ".join(f"{t} k = {summary[t]['k']}" for t in EXPRESSION_TYPES if t in summary)
    notes = "".join(f"; {n}" for n in run.notes)
    return (
        f"Benchmark of {run.dataset} ({layout_kind(run.kind)} layout, {len(videos)} videos, "
        f"{int(videos['frame_count'].sum())} frames, {ks}) on {machine()}, --cores {run.cores}, "
        f"flow workers {run.workers}, {datetime.now():%Y-%m-%d}{notes}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--layout",
        choices=["casme2", "sammlv"],
        default="casme2",
        help="the demo set's release layout (default casme2)",
    )
    parser.add_argument("--subjects", type=int, help="demo videos (default 4; sammlv 3)")
    parser.add_argument(
        "--frames", type=int, help="frames per demo video (default 200; sammlv 1000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--configfile", type=Path, help="benchmark a dataset of this config instead"
    )
    parser.add_argument("--dataset", help="the dataset of --configfile or --from-run")
    parser.add_argument("--from-run", type=Path, help="read this finished run; run nothing")
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="default: all")
    parser.add_argument("--workdir", type=Path, help="run here (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--bare-pairs", type=int, default=0, help="bare TV-L1 pairs per flow file (default all)"
    )
    parser.add_argument(
        "--sample-pairs",
        type=int,
        default=200,
        help="pairs of the throughput test and of the scripts' features; frames of their cropping",
    )
    parser.add_argument(
        "--loader-steps", type=int, default=100, help="training steps of the loader test"
    )
    parser.add_argument("--name", help="output file name (default: the dataset's)")
    parser.add_argument("--output", type=Path, default=Path("results/benchmark"))
    args = parser.parse_args(argv)
    if args.configfile and not args.dataset:
        parser.error("--configfile needs --dataset")
    large = args.layout == "sammlv"
    args.subjects = args.subjects or (SCRIPTS_REFERENCE.videos if large else 4)
    args.frames = args.frames or (SCRIPTS_REFERENCE.frames if large else 200)

    temporary = None
    if args.from_run:
        run = existing_run(args)
    else:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="softnet-benchmark-"))
        temporary = None if args.workdir or args.keep else workdir
        workdir.mkdir(parents=True, exist_ok=True)
        run = configured_run(args, workdir) if args.configfile else synthetic_run(args, workdir)
    try:
        stages, measures, extra = measure(run, args)
        text = markdown(describe(run), stages, measures, extra)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    name = args.name or run.dataset
    args.output.mkdir(parents=True, exist_ok=True)
    long_table(stages, measures, extra).to_csv(args.output / f"{name}.csv", index=False)
    (args.output / f"{name}.md").write_text(text)
    print(text)
    print(f"written: {args.output / f'{name}.csv'}, {args.output / f'{name}.md'}")


if __name__ == "__main__":
    main()
