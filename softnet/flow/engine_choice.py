"""Which TV-L1 engine a flow job runs (config `flow.engine`), its TensorFlow batch size and,
on a workstation, its threads.

The two engines give the same flow bit for bit (docs/method.md, step 3), so the choice is one
of speed only, and `auto` may choose differently on another machine without changing a
number. TensorFlow computes pairs faster than OpenCV's single-thread worker processes on the
CPU too, but a job first pays its start: importing TensorFlow, tracing the engine and
compiling it with XLA (or loading it from the compilation cache). `auto` therefore takes
TensorFlow where a GPU is requested, or where the job has enough pairs to repay that start,
and OpenCV for short clips. The thresholds are measured (docs/performance.md). The engines
agree bit for bit with OpenCV 5 only (OpenCV 4's remap rounds sample positions), so with
OpenCV 4 `auto` always takes OpenCV.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2

from softnet.datasets.kinds import EXPRESSION_TYPES

#: The TV-L1 engines, each a module of softnet.flow with `prepare` and `iter_flow`.
ENGINES = ("opencv", "tensorflow")
#: What config `flow.engine` accepts.
CHOICES = ("auto", *ENGINES)
#: Pairs from which TensorFlow on the CPU finishes a job sooner than OpenCV's workers, its
#: start included, even when it compiles (single-thread jobs on 2 cores; docs/performance.md).
CPU_BREAK_EVEN_PAIRS = 200
#: Pairs per TensorFlow batch where `flow.batch_size` is not set: the fastest measured.
DEFAULT_BATCH_SIZE = {"CPU": 1, "GPU": 64}


@dataclass(frozen=True)
class EngineChoice:
    """The engine a job runs, and why (for its log)."""

    engine: str
    reason: str


def choose_engine(
    requested: str, pairs: int, gpus: int, opencv_version: str = cv2.__version__
) -> EngineChoice:
    """The engine for a job of `pairs` frame pairs that was given `gpus` GPUs."""
    if requested not in CHOICES:
        raise ValueError(f"flow.engine {requested!r}: use one of {', '.join(CHOICES)}")
    if requested != "auto":
        return EngineChoice(requested, "flow.engine")
    if int(opencv_version.split(".")[0]) < 5:
        return EngineChoice(
            "opencv", f"auto: OpenCV {opencv_version}, whose TV-L1 only the opencv engine repeats"
        )
    if gpus > 0:
        return EngineChoice("tensorflow", f"auto: the job has {gpus} GPU(s)")
    if pairs >= CPU_BREAK_EVEN_PAIRS:
        return EngineChoice(
            "tensorflow", f"auto: {pairs} pairs repay TensorFlow's start on the CPU"
        )
    return EngineChoice(
        "opencv",
        f"auto: {pairs} pairs, under the {CPU_BREAK_EVEN_PAIRS} that repay TensorFlow's start",
    )


def batch_size_for(device: str, configured: int | None) -> int:
    """`flow.batch_size` where set, else the measured best for the device ("GPU" or CPU)."""
    if configured is not None:
        return configured
    return DEFAULT_BATCH_SIZE["GPU" if "GPU" in device.upper() else "CPU"]


def flow_job_threads(configured: int, cores: int, videos: int) -> int:
    """Threads of each flow job of a local run on `cores`: `configured` at most, fewer where the
    flow jobs (a k per expression type and video) outnumber what that fills. A job starts on one
    thread (TensorFlow's import and tracing), so jobs side by side use the cores better than
    one wide job after another (docs/performance.md)."""
    jobs = max(1, videos * len(EXPRESSION_TYPES))
    return max(1, min(configured, cores // jobs))
