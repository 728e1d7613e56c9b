"""The cache files' codec: lossless to the bit, readable by every process, old files still read."""

import subprocess
import sys

import h5py
import hdf5plugin
import numpy as np

from softnet.cache import atomic_h5, frame_dataset
from softnet.roi import ROIParams, preprocess, write_roi_cache
from tests.helpers.arrays import odd_float_frames


def test_float32_frames_come_back_bit_for_bit(tmp_path):
    frames = odd_float_frames()
    path = tmp_path / "flow.h5"
    with atomic_h5(path) as handle:
        flow = frame_dataset(handle, "flow", frames.shape, "float32")
        for t, frame in enumerate(frames):  # one frame at a time, as the flow stage writes
            flow[t] = frame
    with h5py.File(path, "r") as handle:
        back = handle["flow"][()]
    assert back.dtype == np.float32
    assert np.array_equal(back.view(np.uint32), frames.view(np.uint32))
    assert np.isnan(back).any() and np.isinf(back).any()


def test_uint8_crops_grown_while_decoding_come_back_exactly(tmp_path):
    crops = np.random.default_rng(1).integers(0, 256, size=(7, 32, 32), dtype=np.uint8)
    path = tmp_path / "faces.h5"
    with atomic_h5(path) as handle:
        dataset = frame_dataset(handle, "crops", (0, 32, 32), "uint8")
        dataset.resize(len(crops), axis=0)
        dataset[:] = crops
    with h5py.File(path, "r") as handle:
        assert np.array_equal(handle["crops"][()], crops)


def test_frame_datasets_use_blosc_zstd_with_a_shuffle_suited_to_their_dtype(tmp_path):
    expected = {
        "float32": hdf5plugin.Blosc(cname="zstd", clevel=5, shuffle=hdf5plugin.Blosc.SHUFFLE),
        "uint8": hdf5plugin.Blosc(cname="zstd", clevel=5, shuffle=hdf5plugin.Blosc.BITSHUFFLE),
    }
    with atomic_h5(tmp_path / "x.h5") as handle:
        datasets = [
            frame_dataset(handle, "flow", (2, 8, 8, 3), "float32"),
            frame_dataset(handle, "crops", (0, 8, 8), "uint8"),
        ]
        for dataset in datasets:
            code, _, values, _ = dataset.id.get_create_plist().get_filter(0)
            assert code == hdf5plugin.Blosc.filter_id and dataset.chunks[0] == 1
            # the last three values: level, shuffle, compressor (the first four are set by HDF5)
            assert values[4:] == expected[dataset.dtype.name].filter_options[4:]


def test_a_flow_cache_written_with_gzip_before_still_gives_the_same_roi_stacks(tmp_path):
    """Caches made before the codec change are read as they are and give identical ROIs."""
    size = 64
    flow = np.random.default_rng(2).normal(0, 1, size=(4, size, size, 3)).astype(np.float32)
    landmarks = np.full((68, 2), size // 2, dtype=np.int32)
    landmarks[::2] -= 6  # spread the points so that the boxes and eye polygons have an area
    with h5py.File(tmp_path / "faces.h5", "w") as face:
        face["landmarks"] = landmarks
    old, new = tmp_path / "old.h5", tmp_path / "new.h5"
    with h5py.File(old, "w") as handle:  # the layout and codec of the caches until now
        handle.create_dataset(
            "flow", data=flow, chunks=(1, size, size, 3), compression="gzip", shuffle=True
        )
        handle.attrs["k"] = 2
    with atomic_h5(new) as handle:
        frame_dataset(handle, "flow", flow.shape, "float32")[:] = flow
        handle.attrs["k"] = 2
    rois = []
    for source in (old, new):
        target = tmp_path / f"roi_{source.name}"
        write_roi_cache(source, tmp_path / "faces.h5", target, ROIParams(), {})
        with h5py.File(target, "r") as handle:
            rois.append(handle["roi"][()])
    expected = preprocess(flow, landmarks, ROIParams())
    assert expected.shape == (4, 42, 42, 3) and np.count_nonzero(expected) > expected.size / 4
    assert np.array_equal(rois[0].view(np.uint32), rois[1].view(np.uint32))
    assert np.array_equal(rois[0].view(np.uint32), expected.view(np.uint32))


def test_a_process_that_imports_any_softnet_module_reads_the_caches(tmp_path):
    """The filter is registered by `import softnet`: a fresh interpreter shows it works."""
    path = tmp_path / "roi.h5"
    with atomic_h5(path) as handle:
        frame_dataset(handle, "roi", (3, 4, 4, 3), "float32")[:] = 0.25
    script = f"import h5py, softnet.versions; print(h5py.File({str(path)!r})['roi'][()].sum())"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) == 0.25 * 3 * 4 * 4 * 3
