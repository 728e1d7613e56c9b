"""The TensorFlow jobs of a run: start-up and its parts, the training logs' rate, time per fold
and per scoring job, the compiled training loop against `train_on_batch` and the loader against
batches in memory, and fold 1 against the published scripts' loop re-enacted on the same
samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import Executor
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import pandas as pd

from perf.flow_stage import flow_files, recorded_engines
from perf.measures import Measure
from perf.runs import REPO, Run
from perf.targets import (
    MAX_FOLD_OVER_SCRIPTS,
    MAX_LOADING_OVER_MEMORY,
    MAX_LOGS_FROM_MEASURED,
    MIN_COMPILED_OVER_TRAIN_ON_BATCH,
)
from softnet.datasets.index import load_events, load_k, load_videos
from softnet.datasets.kinds import EXPRESSION_TYPES

if TYPE_CHECKING:  # TensorFlow only where measured
    from perf.loading import FedTiming, FoldSteps, LoadingTiming
    from perf.scripts_timing import ScriptsFoldTiming

#: What a TensorFlow job does first, each part timed: imports, SOFTNet built, one prediction
#: (a scoring job's first batch), the compiled training steps' first call (their tracing).
TENSORFLOW_START = """\
import json, time
started = time.perf_counter()
import numpy as np
from softnet.model.network import as_streams, build_softnet
from softnet.model.scoring import predict_scores
from softnet.model.training import CompiledSteps
imported = time.perf_counter()
model = build_softnet(seed=1)
built = time.perf_counter()
predict_scores(model, np.zeros((1, 42, 42, 3), np.float32))
predicted = time.perf_counter()
batch = (as_streams(np.zeros((12, 42, 42, 3), np.float32)), np.zeros(12, np.float32))
CompiledSteps(model).run([batch])
traced = time.perf_counter()
parts = [imported - started, built - imported, predicted - built, traced - predicted]
print(json.dumps(parts))
"""


#: Whether TensorFlow, left to choose, runs its oneDNN kernels on this CPU.
OWN_KERNELS = """\
from tensorflow.python.util import _pywrap_util_port
print(_pywrap_util_port.IsMklEnabled())
"""


@dataclass(frozen=True)
class LoopTimings:
    """One type's training loops, measured three ways."""

    #: In the benchmark's process, alone, on the jobs' kernels.
    alone: LoadingTiming
    #: The loader-fed loop in fresh processes at once, as many as the run's training jobs ran
    #: side by side, timed as a whole.
    side_by_side: list[FedTiming]
    #: In a fresh process on the kernels TensorFlow chooses by itself for this CPU; None
    #: where those are the jobs' kernels.
    own_kernels: LoadingTiming | None


@dataclass(frozen=True)
class StartUp:
    """Seconds of a fresh TensorFlow process's parts; `python` is the interpreter's start (and
    exit): the wall time less the parts timed inside."""

    python: float
    imports: float
    build: float
    prediction: float
    training_trace: float

    @property
    def job(self) -> float:
        """What every training and scoring job spends before its work: Python, the imports,
        SOFTNet built and its first prediction."""
        return self.python + self.imports + self.build + self.prediction


def tensorflow_startup() -> StartUp:
    """A fresh process that does what every TensorFlow job does first, each part timed."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", TENSORFLOW_START], cwd=REPO, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"TensorFlow start-up failed:\n{done.stderr[-3000:]}")
    imports, build, prediction, trace = json.loads(done.stdout.strip().splitlines()[-1])
    return StartUp(wall - imports - build - prediction - trace, imports, build, prediction, trace)


def tensorflow_own_kernels() -> str:
    """TF_ENABLE_ONEDNN_OPTS as TensorFlow would choose it on this CPU ('1': oneDNN, '0':
    Eigen), asked of a fresh process started without the variable."""
    environment = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    done = subprocess.run(
        [sys.executable, "-c", OWN_KERNELS], env=environment, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"asking TensorFlow for its kernels failed:\n{done.stderr[-3000:]}")
    return "1" if done.stdout.strip().splitlines()[-1] == "True" else "0"


def tensorflow_measures(
    run: Run,
    jobs: pd.DataFrame,
    stages: pd.DataFrame,
    samples_per_s: dict[str, float],
    steps: int,
) -> tuple[list[Measure], dict[str, float]]:
    """Start-up per job and its parts, and per type the training logs' samples per second,
    time per fold, scoring, the training loops and loader and fold 1 against the scripts'
    loop; the scripts' training seconds per type."""
    print("timing TensorFlow's start-up", flush=True)
    startup = tensorflow_startup()
    measures = [
        starts_measure(run, jobs),
        Measure(
            "tensorflow",
            "start-up per job (Python, imports, SOFTNet built, one prediction)",
            startup.job,
            "s",
            detail=(
                f"Python {startup.python:.1f} s, imports {startup.imports:.1f} s, SOFTNet "
                f"built {startup.build:.2f} s, first prediction {startup.prediction:.2f} s"
            ),
        ),
        Measure(
            "tensorflow",
            "first call of the compiled training steps (tracing), per training job",
            startup.training_trace,
            "s",
        ),
    ]
    for kind in EXPRESSION_TYPES:
        if kind in samples_per_s:
            threads = f"{run.training_threads} thread" + "s" * (run.training_threads > 1)
            item = f"training samples per second, the logs' epochs ({threads} a job)"
            measures.append(Measure("tensorflow", item, samples_per_s[kind], "samples/s", kind))
        for stage, item in (("training", "time per fold"), ("scoring", "scoring time per job")):
            chosen = stages[(stages["stage"] == stage) & (stages["type"] == kind)]
            for row in chosen.itertuples():
                measures.append(Measure("tensorflow", item, row.job_seconds / row.jobs, "s", kind))
    training, scripts_s = training_measures(run, jobs, steps, startup.job, samples_per_s)
    return measures + training, scripts_s


def starts_measure(run: Run, jobs: pd.DataFrame) -> Measure:
    """How many of the run's jobs started TensorFlow: every training and scoring job, and the
    flow jobs whose file records the TensorFlow engine."""
    flow = recorded_engines(flow_files(run, jobs[jobs["stage"] == "flow"])).count("tensorflow")
    training = int((jobs["stage"] == "training").sum())
    scoring = int((jobs["stage"] == "scoring").sum())
    return Measure(
        "tensorflow",
        "TensorFlow starts in the run",
        training + scoring + flow,
        "jobs",
        detail=f"{training} training, {scoring} scoring, {flow} flow jobs",
    )


def training_measures(
    run: Run, jobs: pd.DataFrame, steps: int, startup_s: float, logs_rate: dict[str, float]
) -> tuple[list[Measure], dict[str, float]]:
    """Per type, on fold 0 (every labelled video, the final model's fold): the training loops
    (`loop_measures`), and fold 1's training and scoring jobs against the published scripts'
    loop re-enacted on the same samples. Also returns the scripts' training seconds per type:
    every fold's loop and one start."""
    # TensorFlow is imported here, not with the module: the rest of the command runs without.
    from perf.loading import FoldSteps, tensorflow_process
    from perf.scripts_timing import time_scripts_fold
    from softnet.datasets.labels import used_events
    from softnet.model.folds import fold_subjects
    from softnet.model.training import TrainingParams, video_labels
    from softnet.tensorflow_setup import configure_tensorflow, onednn_kernels

    videos = load_videos(run.results / "index" / "videos.csv")
    events = load_events(run.results / "index" / "events.csv")
    names = {setting.name for setting in fields(TrainingParams)}
    settings = {k: v for k, v in run.config["training"].items() if k in names}
    params = TrainingParams(**settings)
    threads = run.training_threads
    configure_tensorflow(threads, params.seed)
    own_kernels = tensorflow_own_kernels()
    own_is_jobs = (own_kernels == "1") == onednn_kernels()
    together = min(run.cores // threads, int((jobs["stage"] == "training").sum())) or 1
    measures: list[Measure] = []
    scripts_s: dict[str, float] = {}
    # One process on the kernels TensorFlow chooses by itself, as the scripts run (they set
    # none), for their loop and the jobs' loops before.
    environment = {"TF_ENABLE_ONEDNN_OPTS": own_kernels}
    with tensorflow_process(threads, params.seed, environment) as own_process:
        for expression_type in EXPRESSION_TYPES:
            used = used_events(events, run.kind, expression_type)
            if used.empty:
                continue
            k = load_k(run.results / "index" / "summary.json", expression_type)
            labelled = videos.merge(used[["subject", "video"]].drop_duplicates())
            files = [
                run.results / "roi" / f"k{k}" / subject / f"{video}.h5"
                for subject, video in zip(labelled["subject"], labelled["video"])
            ]
            labels = video_labels(files, used, k)
            fold_zero = FoldSteps(files, labels, expression_type, params, params.seed * 1000, steps)
            before = None if own_is_jobs else own_process
            loops = time_loops(fold_zero, threads, together, before)
            measures += loop_measures(loops, expression_type, logs_rate.get(expression_type))
            folds = fold_subjects(videos, used)
            if len(folds) < 2:
                continue
            timings = []
            for fold, subject in enumerate(folds, start=1):
                print(f"timing the scripts' loop, {expression_type} fold {fold}", flush=True)
                held_out = (labelled["subject"] == subject).to_numpy()
                timing = own_process.submit(
                    time_scripts_fold,
                    [f for f, out in zip(files, held_out) if not out],
                    [y for y, out in zip(labels, held_out) if not out],
                    [f for f, out in zip(files, held_out) if out],
                    [y for y, out in zip(labels, held_out) if out],
                    expression_type,
                    params,
                    fold_seed=params.seed * 1000 + fold,
                )
                timings.append(timing.result())
            scripts_s[expression_type] = sum(t.seconds for t in timings) + startup_s
            measures += fold_measures(jobs, expression_type, folds, timings[0], startup_s)
    return measures, scripts_s


def time_loops(
    fold_zero: FoldSteps, threads: int, together: int, own_process: Executor | None
) -> LoopTimings:
    """The training loops of fold 0 (`measure_loading`) in this process; the loader-fed loop
    in `together` processes at once, as the jobs ran; and the loops in `own_process`, on
    TensorFlow's own kernels, unless None (they are the jobs' kernels)."""
    from perf.loading import measure_fed_steps, measure_in_processes, measure_loading

    kind = fold_zero.expression_type
    print(f"timing the training loops ({kind}, {fold_zero.steps} steps)", flush=True)
    alone = measure_loading(*fold_zero)
    # As long as the three rounds of the loader-fed loop above, timed as one.
    as_jobs = fold_zero._replace(steps=3 * fold_zero.steps)
    print(f"timing the loader-fed loop in {together} processes at once", flush=True)
    side_by_side = measure_in_processes(together, threads, measure_fed_steps, as_jobs)
    before = None
    if own_process is not None:
        print("timing the loops on TensorFlow's own kernels for this CPU", flush=True)
        before = own_process.submit(measure_loading, *fold_zero).result()
    return LoopTimings(alone, side_by_side, before)


def fold_measures(
    jobs: pd.DataFrame,
    expression_type: str,
    folds: list[str],
    scripts: ScriptsFoldTiming,
    startup_s: float,
) -> list[Measure]:
    """Fold 1 in this run (its training job with its TensorFlow start, and its share of the
    type's scoring job) against the scripts' loop on the same samples and epochs plus their
    one start shared by the folds."""
    mine = jobs[jobs["type"] == expression_type]
    chosen = mine["stage"] == "training"
    training = float(mine.loc[chosen & (mine["subject"] == folds[0]), "seconds"].sum())
    scoring = float(mine.loc[mine["stage"] == "scoring", "seconds"].sum()) / len(folds)
    if not training or not scoring:
        return []
    theirs = scripts.seconds + startup_s / len(folds)
    ours = training + scoring
    return [
        Measure(
            "tensorflow",
            "fold 1: training job + its share of scoring",
            ours,
            "s",
            expression_type,
            detail=f"{training:.1f} s + {scoring:.1f} s (the scoring seconds / {len(folds)} folds)",
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


def loop_measures(
    loops: LoopTimings, expression_type: str, logs_rate: float | None
) -> list[Measure]:
    """Samples per second of `train_on_batch` and of the compiled loop on the same batches in
    memory, the compiled loop fed by the loader (as a training job runs) alone and side by
    side, against the training logs' rate where the run trained; XLA-compiled steps and the
    bare steps beside them (how much of a step is left for any faithful loop to cut); the
    loader's cost; and the loops on TensorFlow's own kernels for this CPU, where those are
    not the jobs': the jobs' loop before the compiled loop and the kernels. On a CPU, no GPU
    row is measured."""
    timing = loops.alone

    def steps(item: str, step_s: float, measured: LoadingTiming = timing) -> Measure:
        where = f"{measured.steps} steps of fold 0 on {measured.device}"
        return Measure(
            "tensorflow",
            f"training samples per second: {item}",
            measured.samples_per_s(step_s),
            "samples/s",
            expression_type,
            detail=f"{step_s * 1000:.2f} ms a step; {where}",
        )

    def ratio(item: str, value: float, **target) -> Measure:
        return Measure("tensorflow", f"training: {item}", value, "x", expression_type, **target)

    before = loops.own_kernels or timing
    gain = before.step_s_train_on_batch / timing.step_s_in_memory
    measures = [
        steps("train_on_batch, in memory", timing.step_s_train_on_batch),
        steps("compiled loop, in memory", timing.step_s_in_memory),
        steps("compiled loop fed by the loader", timing.step_s_loading),
        ratio("compiled loop / train_on_batch, samples per second", timing.speedup),
    ]
    if loops.own_kernels is not None:
        own = loops.own_kernels
        measures += [
            steps(
                "train_on_batch on TensorFlow's own kernels, in memory",
                own.step_s_train_on_batch,
                own,
            ),
            steps(
                "compiled loop on TensorFlow's own kernels, in memory", own.step_s_in_memory, own
            ),
            ratio(
                "compiled loop, the jobs' kernels / TensorFlow's own, samples per second",
                own.step_s_in_memory / timing.step_s_in_memory,
            ),
        ]
    measures += [
        ratio(
            "the jobs' loop / the jobs before (train_on_batch on TensorFlow's own kernels)",
            gain,
            target=f">= {MIN_COMPILED_OVER_TRAIN_ON_BATCH}",
            met=gain >= MIN_COMPILED_OVER_TRAIN_ON_BATCH,
            detail=f"the compiled loop in memory on {timing.device} / train_on_batch in memory "
            f"on {before.device}",
        ),
        steps("XLA-compiled steps, in memory (a comparison only)", timing.step_s_xla_in_memory),
        ratio("XLA-compiled steps / compiled loop, samples per second", timing.xla_speedup),
        steps("the bare steps, in memory (no Keras metrics)", timing.step_s_bare_in_memory),
        ratio(
            "train_on_batch / the bare steps (the most any faithful loop could gain)",
            timing.headroom,
        ),
        Measure(
            "tensorflow",
            "training step: ROI loading vs in memory",
            timing.ratio,
            "x",
            expression_type,
            target=f"<= {MAX_LOADING_OVER_MEMORY}",
            met=timing.ratio <= MAX_LOADING_OVER_MEMORY,
            detail=f"reading a batch alone {timing.load_s * 1000:.1f} ms",
        ),
    ]
    copies = len(loops.side_by_side)
    side_by_side = sum(t.samples_per_s for t in loops.side_by_side) / copies
    first = loops.side_by_side[0]
    measures.append(
        Measure(
            "tensorflow",
            f"training samples per second: compiled loop fed by the loader, {copies} "
            f"process{'es' * (copies > 1)} at once (each, as a whole)",
            side_by_side,
            "samples/s",
            expression_type,
            detail=f"{first.batch_size / side_by_side * 1000:.2f} ms a step; {first.steps} "
            f"steps of fold 0 on {first.device}",
        )
    )
    if logs_rate is not None:
        within = abs(logs_rate / side_by_side - 1) <= MAX_LOGS_FROM_MEASURED
        measures.append(
            ratio(
                "the logs' samples per second / the loader-fed loop's, as the jobs ran",
                logs_rate / side_by_side,
                target=f"within {MAX_LOGS_FROM_MEASURED:.0%} of 1",
                met=within,
                detail=f"{copies} process{'es' * (copies > 1)} at once",
            )
        )
    if not timing.device.startswith("GPU"):
        measures.append(
            Measure(
                "tensorflow",
                "training samples per second on a GPU",
                float("nan"),
                "samples/s",
                expression_type,
                detail="not measured: TensorFlow sees no GPU here",
            )
        )
    return measures
