"""HDF5 cache files: written under a temporary name, renamed when complete, with provenance.

A file at its final path is always complete, whatever killed the job that wrote it, so a
rerun never mistakes a half-written tensor for a cached one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import h5py
import numpy as np

import softnet

#: Chunk one feature frame at a time: readers stream frames in order or pick single frames.
COMPRESSION = {"compression": "gzip", "compression_opts": 4, "shuffle": True}


@contextmanager
def atomic_h5(path: str | os.PathLike) -> Iterator[h5py.File]:
    """Open `path.partial` for writing and rename it to `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with h5py.File(partial, "w") as handle:
            yield handle
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def frame_dataset(handle: h5py.File, name: str, shape: tuple[int, ...], dtype: str) -> h5py.Dataset:
    """A chunked, compressed dataset whose first axis is the frame axis.

    A dataset created with 0 frames can grow (resize along axis 0) while a video is decoded.
    """
    chunks = (1, *shape[1:])
    maxshape = None if shape[0] else (None, *shape[1:])
    return handle.create_dataset(
        name, shape=shape, dtype=dtype, chunks=chunks, maxshape=maxshape, **COMPRESSION
    )


def write_provenance(handle: h5py.File, stage: str, **facts: object) -> None:
    """Record what produced a file: the stage, its parameters and the package version."""
    handle.attrs["stage"] = stage
    handle.attrs["softnet_version"] = softnet.__version__
    handle.attrs["created"] = datetime.now(UTC).isoformat(timespec="seconds")
    for key, value in facts.items():
        handle.attrs[key] = _attr_value(value)


def _attr_value(value: object) -> object:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value
