"""The run's flow stage against bare TV-L1 on the same pairs and workers, OpenCV's throughput
with one worker and with all cores, and the TensorFlow engine's on the same pairs."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

import h5py
import pandas as pd

from perf.flow_engines import (
    bare_tvl1,
    first_frames,
    pair_features,
    pool_seconds,
    tensorflow_features,
    timed,
)
from perf.measures import Measure
from perf.runs import Run
from softnet.flow.engine_choice import batch_size_for
from softnet.flow.tvl1 import TVL1Params


def tensorflow_rate(face_path: Path, k: int, params: TVL1Params, pairs: int) -> list[Measure]:
    """The TensorFlow engine on the first `pairs` pairs of a face file, at the device's batch
    size on all cores: its warm-up (tracing and compiling one batch in this process) and its
    pairs/s after."""
    from softnet.flow import tensorflow as engine

    device = engine.default_device()
    batch = batch_size_for(device, None)
    threads = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as scratch:
        warm = first_frames(face_path, batch + k, Path(scratch))
        start = time.perf_counter()
        sum(1 for _ in tensorflow_features(warm, k, params, batch, device, threads))
        warmup = time.perf_counter() - start
        subset = first_frames(face_path, pairs + k, Path(scratch))
        count, seconds = timed(tensorflow_features(subset, k, params, batch, device, threads))
    streams = engine.streams_for(device, threads)
    where = f"{engine.describe_device(device)}, batches of {batch}, {streams} at once"
    return [
        Measure(
            "flow", "flow throughput, tensorflow engine", count / seconds, "pairs/s", detail=where
        ),
        Measure("flow", "tensorflow engine warm-up (trace and compile a batch)", warmup, "s"),
    ]


def flow_files(run: Run, rows: pd.DataFrame) -> list[Path]:
    """The flow file of each row's k, subject and video in the run."""
    return [
        run.results / "flow" / f"k{int(row.k)}" / row.subject / f"{row.video}.h5"
        for row in rows.itertuples()
    ]


def recorded_engines(paths: list[Path]) -> list[str]:
    """The engine each flow file records having run it."""
    engines = []
    for path in paths:
        with h5py.File(path, "r") as handle:
            engines.append(str(handle.attrs["engine"]))
    return engines


def engines_used(paths: list[Path]) -> str:
    """The engines the flow files record, e.g. "tensorflow" or "opencv and tensorflow"."""
    return " and ".join(sorted(set(recorded_engines(paths))))


def flow_measures(
    run: Run, stages: pd.DataFrame, caches: pd.DataFrame, args: argparse.Namespace
) -> tuple[list[Measure], float, float]:
    """The flow stage against bare TV-L1 on the same pairs and workers, and its throughput with
    1 worker and all cores. Returns the measures, the ratio to bare TV-L1 and the speed-up."""
    params = TVL1Params.from_config(run.config["flow"]["tvl1"])
    flows = caches[caches["stage"] == "flow"]
    jobs = stages[stages["stage"] == "flow"]
    # the flow jobs ran side by side on all cores, `run.workers` threads each
    stage_per_pair = jobs["job_seconds"].sum() * run.workers / run.cores / jobs["units"].sum()

    def faces(row) -> Path:
        return run.results / "faces" / row.subject / f"{row.video}.h5"

    print(f"timing bare TV-L1 on {run.cores} workers", flush=True)
    bare_seconds = bare_pairs = 0
    for row in flows.itertuples():
        count = min(row.frames, args.bare_pairs or row.frames)
        bare_seconds += pool_seconds(faces(row), int(row.k), params, run.cores, bare_tvl1, count)
        bare_pairs += count
    bare_per_pair = bare_seconds / bare_pairs
    measures = [
        Measure(
            "flow", f"flow stage, time per pair ({run.cores} cores)", stage_per_pair * 1000, "ms"
        ),
        Measure(
            "flow",
            f"bare DualTVL1OpticalFlow.calc, time per pair ({run.cores} workers)",
            bare_per_pair * 1000,
            "ms",
            detail=(
                "the same pairs"
                if bare_pairs == flows["frames"].sum()
                else f"{bare_pairs} of the stage's {flows['frames'].sum()} pairs"
            ),
        ),
    ]
    engines = engines_used(flow_files(run, flows))
    measures[0].detail = f"the {engines} engine, jobs of {run.workers} thread(s)"

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
    print(f"timing the tensorflow engine on the same {count} pairs", flush=True)
    # in a process of its own: TensorFlow sets its thread pools once a process, and the
    # training loops timed after this need the training jobs' threads, not all cores
    with multiprocessing.get_context("forkserver").Pool(1) as pool:
        measures += pool.apply(tensorflow_rate, (faces(first), int(first.k), params, count))
    return measures, stage_per_pair / bare_per_pair, rates[run.cores] / rates[1]
