"""Bytes, write and read time a frame of the caches' codec against gzip, on your cache files.

    python -m perf.cache_codecs results/demo/flow/k5/*/*.h5 results/demo/roi/k5/*/*.h5
        [--frames 400] [--rounds 5] [--csv out.csv]

The frames of each kind of tensor (flow, roi, crops) are written one at a time, as the stages
write them, with gzip level 4 and shuffle (HDF5's built-in codec) and with the caches' codec
(softnet.cache.compression), then read back in blocks of 256 frames and one frame at
a time in random order (as the training loader reads ROI stacks). Each codec must give back
the frames bit for bit. Rounds alternate the codecs; each time is the minimum over rounds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from perf.machine import machine
from softnet.cache import compression

TENSORS = ("flow", "roi", "crops")
GZIP_LABEL = "gzip 4 + shuffle"
GZIP = {"compression": "gzip", "compression_opts": 4, "shuffle": True}
READ_BLOCK = 256


def codecs(dtype: np.dtype) -> dict[str, dict]:
    """HDF5's gzip and the caches' codec, by label."""
    return {
        GZIP_LABEL: GZIP,
        "blosc zstd 5 (the caches')": {"compression": compression(dtype)},
    }


def gather(files: list[Path], frames: int) -> dict[str, np.ndarray]:
    """Up to `frames` frames of each kind of tensor found in the files, in file order."""
    found: dict[str, list[np.ndarray]] = {}
    for path in files:
        with h5py.File(path, "r") as handle:
            for name in TENSORS:
                if name in handle:
                    have = sum(len(a) for a in found.get(name, []))
                    if have < frames:
                        found.setdefault(name, []).append(handle[name][: frames - have])
    return {name: np.concatenate(arrays) for name, arrays in found.items()}


def time_codec(frames: np.ndarray, codec: dict, path: Path) -> dict[str, float]:
    """One round: bytes, write, block read and random single-frame read per frame."""
    start = time.perf_counter()
    with h5py.File(path, "w") as handle:
        dataset = handle.create_dataset(
            "x", shape=frames.shape, dtype=frames.dtype, chunks=(1, *frames.shape[1:]), **codec
        )
        for t, frame in enumerate(frames):
            dataset[t] = frame
    write = time.perf_counter() - start
    with h5py.File(path, "r") as handle:
        start = time.perf_counter()
        back = np.concatenate(
            [handle["x"][s : s + READ_BLOCK] for s in range(0, len(frames), READ_BLOCK)]
        )
        read = time.perf_counter() - start
        start = time.perf_counter()
        for t in np.random.default_rng(0).permutation(len(frames)):
            handle["x"][int(t)]
        random_read = time.perf_counter() - start
    if not np.array_equal(back.view(np.uint8), frames.view(np.uint8)):
        raise AssertionError(f"{codec} did not give the frames back bit for bit")
    n = len(frames)
    return {
        "bytes_per_frame": path.stat().st_size / n,
        "write_ms": write / n * 1e3,
        "read_ms": read / n * 1e3,
        "random_read_ms": random_read / n * 1e3,
    }


def measure(files: list[Path], frames: int = 400, rounds: int = 5) -> pd.DataFrame:
    """One row per tensor kind and codec, with ratios to gzip."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, tensor in gather(files, frames).items():
            best: dict[str, dict[str, float]] = {}
            for _ in range(rounds):
                for label, codec in codecs(tensor.dtype).items():
                    result = time_codec(tensor, codec, Path(folder) / "codec.h5")
                    best[label] = {k: min(v, best.get(label, result)[k]) for k, v in result.items()}
            gzip = best[GZIP_LABEL]
            for label, result in best.items():
                ratios = {f"{k}_vs_gzip": result[k] / gzip[k] for k in result}
                rows.append(
                    {"tensor": name, "frames": len(tensor), "codec": label} | result | ratios
                )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", type=Path, nargs="+", help="flow, roi or faces cache files")
    parser.add_argument("--frames", type=int, default=400, help="frames per tensor kind")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--csv", type=Path, help="where to write the table")
    args = parser.parse_args(argv)
    table = measure(args.files, args.frames, args.rounds)
    if args.csv:
        table.to_csv(args.csv, index=False)
    print(machine())
    print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
