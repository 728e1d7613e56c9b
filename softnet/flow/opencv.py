"""The OpenCV engine: cv2.optflow.DualTVL1OpticalFlow, the published scripts' TV-L1.

Pairs run in parallel in single-threaded worker processes (measured faster than OpenCV's own
threads), started with forkserver: a fork()ed pool started after OpenCV has run its threads
can deadlock.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import cv2
import h5py
import numpy as np

from softnet.flow.tvl1 import TVL1Params


def prepare(threads: int) -> str:
    """Nothing to set up in this process (the workers set their own threads): the device."""
    return "CPU"


# Worker state: each worker process opens the crops once and keeps its own TV-L1 object.
_worker: dict[str, object] = {}


def start_worker(face_path: str, k: int, params: TVL1Params) -> None:
    """Initialise a worker process (or this process) for the pairs of one video and k."""
    cv2.setNumThreads(1)
    with h5py.File(face_path, "r") as handle:
        _worker["crops"] = handle["crops"][()]
    _worker["k"] = k
    _worker["tvl1"] = params.create()


def pair_flow(t: int) -> np.ndarray:
    """The bare TV-L1 flow (H, W, 2) of pair t, crop t to crop t+k, in a started worker."""
    crops, k = _worker["crops"], _worker["k"]
    return _worker["tvl1"].calc(crops[t], crops[t + k], None)


def worker_pool(face_path: Path, k: int, params: TVL1Params, workers: int):
    """`workers` single-threaded processes started for one video and k (forkserver)."""
    context = multiprocessing.get_context("forkserver")
    return context.Pool(workers, start_worker, (str(face_path), k, params))


def iter_flow(
    face_path: Path, k: int, params: TVL1Params, threads: int, batch_size: int = 1
) -> Iterator[np.ndarray]:
    """Flows (H, W, 2) of pairs t = 0 .. T-k-1 in order, computed by `threads` processes.

    `batch_size` is the TensorFlow engine's; here each worker takes pairs a few at a time.
    """
    with h5py.File(face_path, "r") as handle:
        pairs = handle["crops"].shape[0] - k
    if threads <= 1:
        start_worker(str(face_path), k, params)
        yield from map(pair_flow, range(pairs))
        return
    with worker_pool(face_path, k, params, threads) as pool:
        yield from pool.imap(pair_flow, range(pairs), chunksize=4)
