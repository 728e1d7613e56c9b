"""Speed and accuracy of the two TV-L1 engines, measured on the machine at hand.

    python -m perf.flow_engines speed [--faces FILE.h5] [--pairs 128] [--batch-sizes 1 8]
    python -m perf.flow_engines accuracy --faces A.h5 B.h5 --k 5 15

`speed` times OpenCV on all cores (single-thread worker processes, as flow jobs run it) and
the TensorFlow engine on the CPU (a batch per thread at once) and, when TensorFlow sees one, on
the GPU, on the same pairs
of one video's crops (a synthetic demo video unless --faces is given). `accuracy` computes
every pair of the given face files with both engines and compares their u, v, strain. Both
print a Markdown table and write a CSV.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from perf.machine import machine
from softnet.flow.opencv import iter_flow, pair_flow, worker_pool
from softnet.flow.tvl1 import TVL1Params, features_of_flow


def demo_faces(folder: Path, frames: int) -> Path:
    """Face crops of one synthetic demo video with `frames` frames (made in `folder`)."""
    from softnet.datasets.demo import make_demo
    from softnet.face import CropSettings, default_landmark_model, write_face_cache
    from softnet.videos import FrameFolder

    root = folder / "CASME_sq"
    make_demo(root, subjects=1, frames=max(frames, 60), seed=0)
    images = sorted((root / "rawpic").glob("*/*/*.jpg"))[:frames]
    path = folder / "faces.h5"
    write_face_cache(
        FrameFolder(tuple(images)), path, "demo", CropSettings(), default_landmark_model(), {}
    )
    return path


def first_frames(face_path: Path, frames: int, folder: Path) -> Path:
    """A face file holding only the first `frames` crops, so each engine runs the same pairs."""
    with h5py.File(face_path, "r") as handle:
        crops = handle["crops"][:frames]
    path = folder / f"first_{frames}.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset("crops", data=crops)
    return path


def tensorflow_features(
    face_path: Path, k: int, params: TVL1Params, batch_size: int, device: str, threads: int
) -> Iterator[np.ndarray]:
    from softnet.flow import tensorflow as engine

    flows = engine.iter_flow(face_path, k, params, threads, batch_size, device)
    return map(features_of_flow, flows)


def opencv_features(
    face_path: Path, k: int, params: TVL1Params, workers: int
) -> Iterator[np.ndarray]:
    return map(features_of_flow, iter_flow(face_path, k, params, workers))


def timed(features: Iterator[np.ndarray]) -> tuple[int, float]:
    start = time.perf_counter()
    count = sum(1 for _ in features)
    return count, time.perf_counter() - start


def pair_features(t: int) -> np.ndarray:
    """TV-L1 of pair t and its u, v, strain, in a started worker, sent back."""
    return features_of_flow(pair_flow(t))


def bare_tvl1(t: int) -> None:
    """DualTVL1OpticalFlow.calc of pair t alone: no u, v, strain, nothing sent back or written."""
    pair_flow(t)


def _worker_id(_: int) -> int:
    time.sleep(0.05)  # long enough that every started worker takes one
    return os.getpid()


def pool_seconds(
    face_path: Path,
    k: int,
    params: TVL1Params,
    workers: int,
    task: Callable[[int], object],
    pairs: int,
) -> float:
    """Wall seconds of `task` (pair_features, or bare_tvl1) over pairs 0 .. pairs-1 on
    `workers` single-thread processes, counted once every worker has started, so that process
    start-up does not weigh on short measurements."""
    with worker_pool(face_path, k, params, workers) as pool:
        started: set[int] = set()
        for _ in range(100):
            started.update(pool.map(_worker_id, range(workers), chunksize=1))
            if len(started) >= workers:
                break
        start = time.perf_counter()
        for _ in pool.imap(task, range(pairs), chunksize=4):
            pass
        return time.perf_counter() - start


def speed(args: argparse.Namespace) -> pd.DataFrame:
    """Pairs per second of each engine and device on the same pairs."""
    from softnet.flow import tensorflow as engine
    from softnet.tensorflow_setup import configure_tensorflow

    params = TVL1Params()
    workers = args.workers or os.cpu_count()
    configure_tensorflow(workers)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        faces = args.faces[0] if args.faces else demo_faces(folder, args.pairs + args.k[0])
        subset = first_frames(faces, args.pairs + args.k[0], folder)
        k = args.k[0]
        pairs, seconds = timed(opencv_features(subset, k, params, workers))
        rows.append(
            {
                "engine": "opencv",
                "device": f"CPU, {workers} worker processes",
                "batch_size": None,
                "at_once": workers,
                "pairs": pairs,
                "seconds": seconds,
                "warmup_s": None,
                "peak_gpu_mib": None,
            }
        )
        import tensorflow as tf

        devices = [engine.default_device()]
        if "GPU" in devices[0]:
            devices.append(tf.config.list_logical_devices("CPU")[0].name)
        for device in devices:
            gpu = "GPU" in device
            for batch_size in args.batch_sizes:
                warm = first_frames(faces, batch_size + k, folder)
                start = time.perf_counter()  # trace and compile this batch shape once
                sum(1 for _ in tensorflow_features(warm, k, params, batch_size, device, workers))
                warmup = time.perf_counter() - start
                if gpu:
                    tf.config.experimental.reset_memory_stats(device)
                pairs, seconds = timed(
                    tensorflow_features(subset, k, params, batch_size, device, workers)
                )
                peak = tf.config.experimental.get_memory_info(device)["peak"] if gpu else None
                rows.append(
                    {
                        "engine": "tensorflow",
                        "device": engine.describe_device(device),
                        "batch_size": batch_size,
                        "at_once": engine.streams_for(device, workers),
                        "pairs": pairs,
                        "seconds": seconds,
                        "warmup_s": warmup,
                        "peak_gpu_mib": peak / 2**20 if gpu else None,
                    }
                )
    table = pd.DataFrame(rows)
    table["pairs_per_s"] = table["pairs"] / table["seconds"]
    table.insert(0, "machine", machine())
    return table


def accuracy(args: argparse.Namespace) -> pd.DataFrame:
    """Per pair: the TensorFlow engine's u, v against OpenCV's (endpoint error) and strain."""
    params = TVL1Params()
    workers = args.workers or os.cpu_count()
    rows = []
    for face_path in args.faces:
        for k in args.k:
            theirs = opencv_features(face_path, k, params, workers)
            ours = tensorflow_features(face_path, k, params, args.batch_sizes[0], None, workers)
            for t, (a, b) in enumerate(zip(ours, theirs, strict=True)):
                error = np.sqrt(((a[..., :2] - b[..., :2]) ** 2).sum(axis=-1))
                rows.append(
                    {
                        "faces": str(face_path),
                        "k": k,
                        "t": t,
                        "mean_epe": error.mean(),
                        "p99_epe": np.percentile(error, 99),
                        "max_epe": error.max(),
                        "strain_mad": np.abs(a[..., 2] - b[..., 2]).mean(),
                        "flow_magnitude": np.sqrt((b[..., :2] ** 2).sum(axis=-1)).mean(),
                        "identical": bool(np.array_equal(a, b)),
                    }
                )
    return pd.DataFrame(rows)


def accuracy_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per k: pairs, identical and differing pairs, mean and worst per-pair mean EPE, mean and
    worst p99, the largest EPE of any pixel."""
    table = table.assign(differing=~table["identical"])
    return table.groupby("k").agg(
        pairs=("t", "size"),
        identical=("identical", "sum"),
        differing=("differing", "sum"),
        mean_epe=("mean_epe", "mean"),
        worst_pair_mean_epe=("mean_epe", "max"),
        mean_p99_epe=("p99_epe", "mean"),
        worst_p99_epe=("p99_epe", "max"),
        max_epe=("max_epe", "max"),
        strain_mad=("strain_mad", "mean"),
        flow_magnitude=("flow_magnitude", "mean"),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=["speed", "accuracy"])
    parser.add_argument("--faces", type=Path, nargs="+", help="face cache files (faces/*.h5)")
    parser.add_argument("--k", type=int, nargs="+", default=[5], help="frame distances")
    parser.add_argument("--pairs", type=int, default=128, help="pairs timed (speed)")
    parser.add_argument("--workers", type=int, help="OpenCV processes (default: all cores)")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--csv", type=Path, help="where to write the table")
    args = parser.parse_args(argv)
    if args.task == "accuracy" and not args.faces:
        parser.error("accuracy needs --faces")
    table = speed(args) if args.task == "speed" else accuracy(args)
    if args.csv:
        table.to_csv(args.csv, index=False)
    shown = table if args.task == "speed" else accuracy_summary(table).reset_index()
    print(shown.to_string(index=False))


if __name__ == "__main__":
    main()
