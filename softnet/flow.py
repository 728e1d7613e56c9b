"""TV-L1 optical flow and optical strain between crops k frames apart (spec section 4).

TV-L1 dominates the workflow's cost. Two engines compute it: `opencv` (the default) runs
pairs in parallel in single-threaded worker processes (measured faster than OpenCV's own
threads), started with forkserver: a fork()ed pool started after OpenCV has run its threads
can deadlock. `tensorflow` (softnet.tvl1_tensorflow) runs the same algorithm on batches of
pairs, on a GPU when TensorFlow sees one.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import h5py
import numpy as np

from softnet.cache import atomic_h5, frame_dataset, write_provenance

log = logging.getLogger(__name__)

#: The TV-L1 implementations a flow job can use (config `flow.engine`).
ENGINES = ("opencv", "tensorflow")


@dataclass(frozen=True)
class TVL1Params:
    """cv2.optflow.DualTVL1OpticalFlow_create's parameters; the defaults are OpenCV's own."""

    tau: float = 0.25
    lambda_: float = 0.15
    theta: float = 0.3
    nscales: int = 5
    warps: int = 5
    epsilon: float = 0.01
    inner_iterations: int = 30
    outer_iterations: int = 10
    scale_step: float = 0.8
    gamma: float = 0.0
    median_filtering: int = 5

    @classmethod
    def from_config(cls, config: dict[str, float]) -> TVL1Params:
        """From the config's `flow.tvl1` block, whose `lambda` key is a Python keyword here."""
        values = dict(config)
        if "lambda" in values:
            values["lambda_"] = values.pop("lambda")
        return cls(**values)

    def create(self) -> cv2.optflow.DualTVL1OpticalFlow:
        return cv2.optflow.DualTVL1OpticalFlow_create(
            tau=self.tau,
            lambda_=self.lambda_,
            theta=self.theta,
            nscales=self.nscales,
            warps=self.warps,
            epsilon=self.epsilon,
            innnerIterations=self.inner_iterations,
            outerIterations=self.outer_iterations,
            scaleStep=self.scale_step,
            gamma=self.gamma,
            medianFiltering=self.median_filtering,
        )


def optical_strain(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Optical strain magnitude from forward differences, as the published scripts compute it.

    u_x = u[:, j] - u[:, j+1] and so on; the undefined last column takes its left neighbour
    and the undefined last row takes the row above it.
    """
    u_x = u[:-1, :-1] - u[:-1, 1:]
    v_y = v[:-1, :-1] - v[1:, :-1]
    u_y = u[:-1, :-1] - u[1:, :-1]
    v_x = v[:-1, :-1] - v[:-1, 1:]
    inner = np.sqrt(u_x**2 + v_y**2 + 0.5 * (u_y + v_x) ** 2)
    strain = np.empty_like(u)
    strain[:-1, :-1] = inner
    strain[:-1, -1] = inner[:, -1]
    strain[-1, :] = strain[-2, :]
    return strain


def flow_features(
    first: np.ndarray, second: np.ndarray, tvl1: cv2.optflow.DualTVL1OpticalFlow
) -> np.ndarray:
    """(H, W, 3) float32 u, v, strain of the flow from `first` to `second`.

    u and v pass through cartToPolar and back as in the published scripts; that round trip
    only changes float rounding, but keeps the numbers identical to theirs.
    """
    return features_of_flow(tvl1.calc(first, second, None))


def features_of_flow(flow: np.ndarray) -> np.ndarray:
    """(H, W, 3) float32 u, v, strain of an (H, W, 2) flow, whichever engine computed it."""
    magnitude, angle = cv2.cartToPolar(flow[..., 0], flow[..., 1])
    u, v = cv2.polarToCart(magnitude, angle)
    return np.dstack([u, v, optical_strain(u, v)]).astype(np.float32, copy=False)


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


def pair_features(t: int) -> np.ndarray:
    """Feature frame t (u, v, strain), as a flow job computes it, in a started worker."""
    return features_of_flow(pair_flow(t))


def worker_pool(face_path: Path, k: int, params: TVL1Params, workers: int):
    """`workers` single-threaded processes started for one video and k (forkserver)."""
    context = multiprocessing.get_context("forkserver")
    return context.Pool(workers, start_worker, (str(face_path), k, params))


def iter_flow(face_path: Path, k: int, params: TVL1Params, threads: int) -> Iterator[np.ndarray]:
    """Feature frames t = 0 .. T-k-1 in order, computed by `threads` processes."""
    with h5py.File(face_path, "r") as handle:
        pairs = handle["crops"].shape[0] - k
    if threads <= 1:
        start_worker(str(face_path), k, params)
        yield from map(pair_features, range(pairs))
        return
    with worker_pool(face_path, k, params, threads) as pool:
        yield from pool.imap(pair_features, range(pairs), chunksize=4)


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
    engine: str = "opencv",
    batch_size: int = 64,
) -> None:
    """Write a video's (T-k, H, W, 3) float32 flow tensor (u, v, strain) for one k.

    `threads` are OpenCV worker processes or TensorFlow CPU threads; `batch_size` is the
    pairs per TensorFlow batch. The file records the engine and the device that ran it.
    """
    if engine not in ENGINES:
        raise ValueError(f"flow engine {engine!r}: use one of {', '.join(ENGINES)}")
    with h5py.File(face_path, "r") as handle:
        frames, height, width = handle["crops"].shape
    if frames <= k:
        raise ValueError(f"{face_path}: {frames} frames are too few for k = {k}")
    label = str(provenance.get("video", Path(face_path).stem))
    if engine == "opencv":
        device = "CPU"
        features = iter_flow(face_path, k, params, threads)
    else:
        from softnet import tvl1_tensorflow  # TensorFlow starts only for this engine

        tvl1_tensorflow.configure_threads(threads)
        device = tvl1_tensorflow.default_device()
        flows = tvl1_tensorflow.iter_flow(face_path, k, params, batch_size, device)
        features = map(features_of_flow, flows)
        device = tvl1_tensorflow.describe_device(device)
    log.info("%s: TV-L1 engine %s on %s", label, engine, device)
    progress = Progress(label, frames - k)
    with atomic_h5(path) as handle:
        flow = frame_dataset(handle, "flow", (frames - k, height, width, 3), "float32")
        for t, frame in enumerate(features):
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
            engine=engine,
            device=device,
        )
