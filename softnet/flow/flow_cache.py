"""A video's flow file: u, v and strain of every pair k frames apart (docs/method.md, step 3).

TV-L1 dominates the workflow's cost. Two engines compute it, bit for bit the same, with one
contract: `prepare` sets the engine up for a job's threads and names the device, `iter_flow`
yields the bare (H, W, 2) flows of pairs 0 .. T-k-1 in order. `opencv` (softnet.flow.opencv)
is the published scripts' TV-L1; `tensorflow` (softnet.flow.tensorflow) is the same algorithm
on batches of pairs, on a GPU when TensorFlow sees one; engine_choice picks one for `auto`.
"""

from __future__ import annotations

import importlib
import logging
import time
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path

import h5py
import numpy as np

from softnet.cache import atomic_h5, frame_dataset, write_provenance
from softnet.flow.compile_cache import compile_cache
from softnet.flow.engine_choice import batch_size_for, choose_engine
from softnet.flow.tvl1 import TVL1Params, features_of_flow

log = logging.getLogger(__name__)


class FlowError(RuntimeError):
    """A flow tensor that would poison every later stage (NaN or infinite values)."""


def _check_finite(features: np.ndarray, pair: int, k: int, video: str, face_path: Path) -> None:
    """Stop at the first pair whose u, v or strain holds NaN or infinity, naming it, rather
    than let it spread unnoticed into the ROI stacks, the models and the scores."""
    if not np.isfinite(features).all():
        raise FlowError(
            f"{video}: the flow of pair {pair} (crops {pair} and {pair + k}, 0-based, of "
            f"{face_path}) holds NaN or infinite values; check those frames' crops and the "
            "flow.tvl1 settings, or try the other flow.engine"
        )


class Progress:
    """Logs pairs done, rate and time left at most every `every` seconds."""

    def __init__(self, label: str, total: int, every: float = 30.0) -> None:
        self.label, self.total, self.every = label, total, every
        self.start = self.last = time.monotonic()

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done < self.total:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        left = (self.total - done) / rate if rate else float("inf")
        log.info(
            "%s: %d/%d pairs, %.1f pairs/s, %.0f s left", self.label, done, self.total, rate, left
        )


def write_flow_cache(
    face_path: Path,
    path: Path,
    k: int,
    params: TVL1Params,
    threads: int,
    provenance: dict[str, object],
    engine: str = "auto",
    batch_size: int | None = None,
    gpus: int = 0,
    xla_cache: Path | None = None,
) -> None:
    """Write a video's (T-k, H, W, 3) float32 flow tensor (u, v, strain) for one k.

    `engine` is auto, opencv or tensorflow; `threads` are OpenCV worker processes or TensorFlow
    CPU threads; `gpus` the GPUs the job was given; `batch_size` the pairs per TensorFlow batch
    (None: the device's measured best); `xla_cache` the shared folder of compiled programs
    (None: compile in the job). The file records the engine and the device that ran it.
    """
    with h5py.File(face_path, "r") as handle:
        frames, height, width = handle["crops"].shape
    if frames <= k:
        raise ValueError(f"{face_path}: {frames} frames are too few for k = {k}")
    label = str(provenance.get("video", Path(face_path).stem))
    choice = choose_engine(engine, frames - k, gpus)
    tensorflow = choice.engine == "tensorflow"
    with compile_cache(xla_cache) if tensorflow and xla_cache else nullcontext():
        started = time.monotonic()
        # Imported here: TensorFlow starts only in the jobs of its engine.
        module = importlib.import_module(f"softnet.flow.{choice.engine}")
        device = module.prepare(threads)
        log.info("%s: engine started in %.1f s", label, time.monotonic() - started)
        batch = batch_size_for(device, batch_size) if tensorflow else 1
        batches = f", batches of {batch} pairs" if tensorflow else ""
        log.info(
            "%s: TV-L1 engine %s (%s) on %s%s", label, choice.engine, choice.reason, device, batches
        )
        flows = module.iter_flow(face_path, k, params, threads, batch)
        progress = Progress(label, frames - k)
        with atomic_h5(path) as handle:
            flow = frame_dataset(handle, "flow", (frames - k, height, width, 3), "float32")
            for t, frame in enumerate(map(features_of_flow, flows)):
                _check_finite(frame, t, k, label, face_path)
                flow[t] = frame
                progress.update(t + 1)
            tvl1 = asdict(params)
            tvl1["lambda"] = tvl1.pop("lambda_")
            write_provenance(
                handle,
                "flow",
                **provenance,
                k=k,
                params=tvl1,
                channels=["u", "v", "strain"],
                engine=choice.engine,
                device=device,
            )
