"""The codec benchmark: both codecs on each kind of tensor, sizes against gzip's."""

import numpy as np
import pytest

from perf.cache_codecs import measure
from softnet.cache import atomic_h5, frame_dataset
from tests.helpers.arrays import odd_float_frames


def test_the_codec_benchmark_compares_both_codecs_on_each_kind_of_tensor(tmp_path):
    with atomic_h5(tmp_path / "flow.h5") as handle:
        frame_dataset(handle, "flow", (6, 16, 16, 3), "float32")[:] = odd_float_frames(6)
    with atomic_h5(tmp_path / "faces.h5") as handle:
        crops = frame_dataset(handle, "crops", (6, 16, 16), "uint8")
        crops[:] = np.arange(6 * 16 * 16).reshape(6, 16, 16) % 7
    table = measure([tmp_path / "flow.h5", tmp_path / "faces.h5"], frames=4, rounds=1)
    assert sorted(zip(table["tensor"], table["codec"])) == [
        ("crops", "blosc zstd 5 (the caches')"),
        ("crops", "gzip 4 + shuffle"),
        ("flow", "blosc zstd 5 (the caches')"),
        ("flow", "gzip 4 + shuffle"),
    ]
    assert (table["frames"] == 4).all() and (table["write_ms"] > 0).all()
    gzip = table[table["codec"].str.startswith("gzip")].set_index("tensor")
    for row in table.itertuples():
        expected = row.bytes_per_frame / gzip.loc[row.tensor, "bytes_per_frame"]
        assert row.bytes_per_frame_vs_gzip == pytest.approx(expected)
