"""Whether streaming the ROI files slows training.

A fold's SGD steps fed by the loader, against the same steps on batches held in memory.
"""

from __future__ import annotations

import time
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from softnet.model.training import TrainingParams, start_fold


@dataclass(frozen=True)
class LoadingTiming:
    """Mean seconds of a fold's SGD step fed by the loader and fed from memory."""

    steps: int
    step_s_loading: float
    step_s_in_memory: float
    #: Reading one batch alone, without training: what the loader's thread hides.
    load_s: float

    @property
    def ratio(self) -> float:
        """Step time with loading over step time in memory (perf.targets bounds it)."""
        return self.step_s_loading / self.step_s_in_memory


def measure_loading(
    files: list[Path],
    labels: list[np.ndarray],
    expression_type: str,
    params: TrainingParams,
    fold_seed: int,
    steps: int = 200,
) -> LoadingTiming:
    """Whether reading the ROI files slows a fold's training: `steps` SGD steps of the fold's
    model fed by the prefetching loader (epoch after epoch), against the same steps on
    batches read into memory beforehand (at most `steps` of them, not the whole fold).
    """
    model, batches = start_fold(files, labels, expression_type, params, fold_seed)
    try:
        started = time.perf_counter()
        held = [batches.batch(i) for i in range(min(steps, len(batches)))]
        load_s = (time.perf_counter() - started) / len(held)
        model.train_on_batch(*held[0])  # builds and traces the step: in neither timing
        started = time.perf_counter()
        for step in range(steps):
            model.train_on_batch(*held[step % len(held)])
        in_memory = time.perf_counter() - started
        loading, done = 0.0, 0
        while done < steps:
            with closing(batches.prefetched()) as loader:
                started = time.perf_counter()
                for streams, target in islice(loader, steps - done):
                    model.train_on_batch(streams, target)
                    done += 1
                loading += time.perf_counter() - started
    finally:
        batches.close()
    return LoadingTiming(steps, loading / steps, in_memory / steps, load_s)
