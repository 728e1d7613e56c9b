"""The TensorFlow TV-L1 engine against OpenCV's, on synthetic motion and on demo face crops.

Every engine call here but one has the shape (2, 48, 48) with OpenCV's default parameters, so
that the XLA program is compiled once for the whole module (the slow part on a small CPU); the
pinned pair near the stopping threshold is a 128 x 128 face crop pair.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import h5py
import numpy as np
import pytest
import tensorflow as tf

from softnet.datasets.demo import make_demo
from softnet.face import CropSettings, default_landmark_model, write_face_cache
from softnet.flow.flow_cache import write_flow_cache
from softnet.flow.tensorflow import (
    _median_filter,
    _median_network,
    _opencv_error,
    default_device,
    iter_flow,
    pyramid_sizes,
    shared_engine,
    streams_for,
)
from softnet.flow.tvl1 import TVL1Params
from softnet.videos import FrameFolder

SIZE = 48
#: Two 128 x 128 crops (0-based 162 and 296 of a 360-frame SAMM-LV-layout demo video, k = 134)
#: whose stopping sum lies within float32 rounding of epsilon: summed in float64 rather than as
#: OpenCV sums it, their flow is up to 0.05 px from OpenCV's.
NEAR_THRESHOLD_PAIR = Path(__file__).parent / "data" / "tvl1_near_threshold_pair.npz"
#: Mean endpoint error allowed between the engines (px); with OpenCV 5 they agree exactly.
AGREEMENT_EPE = 0.01


def endpoint_error(flow: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return np.sqrt(((flow - reference) ** 2).sum(axis=-1))


def texture(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A smooth grey texture that can be sampled exactly at sub-pixel positions."""
    return (
        128
        + 45 * np.sin(0.31 * x + 0.17 * y)
        + 35 * np.cos(0.23 * y - 0.29 * x)
        + 25 * np.sin(0.43 * x) * np.cos(0.37 * y)
    )


def moved_pair(angle_degrees: float, shift: tuple[float, float]):
    """uint8 images I0, I1 and the true flow of a rotation about the centre then a shift.

    I1(R(p - c) + c + shift) = I0(p): I1 is I0 sampled at the inverse motion, exactly.
    """
    angle, centre = np.deg2rad(angle_degrees), (SIZE - 1) / 2
    cos, sin = np.cos(angle), np.sin(angle)
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    cx, cy = x - centre, y - centre
    flow = np.dstack([cos * cx - sin * cy - cx + shift[0], sin * cx + cos * cy - cy + shift[1]])
    bx, by = cx - shift[0], cy - shift[1]  # back to I0: undo the shift, then the rotation
    source_x, source_y = cos * bx + sin * by + centre, -sin * bx + cos * by + centre
    first, second = (
        np.clip(np.rint(image), 0, 255).astype(np.uint8)
        for image in (texture(x, y), texture(source_x, source_y))
    )
    return first, second, flow.astype(np.float32)


@pytest.fixture(scope="module")
def engine():
    return shared_engine(TVL1Params(), default_device())


@pytest.fixture(scope="module")
def synthetic(engine):
    pairs = [moved_pair(0.0, (0.6, -0.35)), moved_pair(2.0, (0.0, 0.0))]
    firsts, seconds, truths = (np.stack(parts) for parts in zip(*pairs))
    ours = engine.calc(firsts, seconds)
    theirs = np.stack([TVL1Params().create().calc(a, b, None) for a, b in zip(firsts, seconds)])
    return firsts, seconds, truths, ours, theirs


def test_both_engines_recover_a_subpixel_translation_and_a_small_rotation(synthetic):
    *_, truths, ours, theirs = synthetic
    inner = (slice(None), slice(8, -8), slice(8, -8))
    for flows in (ours, theirs):
        error = endpoint_error(flows[inner], truths[inner])
        assert error.mean(axis=(1, 2)).max() < 0.1, error.mean(axis=(1, 2))
    for ours_one, theirs_one in zip(ours, theirs):
        assert endpoint_error(ours_one, theirs_one).mean() <= AGREEMENT_EPE


def test_a_pairs_flow_does_not_depend_on_the_other_pairs_in_its_batch(engine, synthetic):
    firsts, seconds, _, ours, _ = synthetic
    alone = engine.calc(firsts[[0, 0]], seconds[[0, 0]])  # same shape: no new compilation
    assert np.array_equal(alone[0], ours[0]) and np.array_equal(alone[1], ours[0])


@pytest.fixture(scope="module")
def demo_faces(tmp_path_factory) -> Path:
    """A demo video's crops (48 px) from its first macro onset: 5 frames, 3 pairs at k = 2."""
    root = tmp_path_factory.mktemp("demo") / "CASME_sq"
    truth = make_demo(root, subjects=1, frames=60, seed=0)
    onset = int(truth[truth["type"] == "macro"]["onset"].iloc[0])
    frames = sorted((root / "rawpic").glob("*/*/*.jpg"))[onset - 1 : onset + 4]
    path = root.parent / "faces.h5"
    write_face_cache(
        FrameFolder(tuple(frames)),
        path,
        "demo",
        CropSettings(size=SIZE),
        default_landmark_model(),
        {"video": "demo"},
    )
    return path


def test_engines_write_the_same_flow_files_from_demo_crops(demo_faces, tmp_path):
    files = {}
    for engine in ("opencv", "tensorflow"):
        files[engine] = tmp_path / f"{engine}.h5"
        write_flow_cache(
            demo_faces, files[engine], 2, TVL1Params(), 1, {"video": "demo"}, engine, batch_size=2
        )
    with h5py.File(files["opencv"]) as theirs, h5py.File(files["tensorflow"]) as ours:
        assert ours["flow"].shape == theirs["flow"].shape == (3, SIZE, SIZE, 3)
        assert (ours.attrs["engine"], theirs.attrs["engine"]) == ("tensorflow", "opencv")
        assert "CPU" in ours.attrs["device"].upper() and theirs.attrs["device"] == "CPU"
        assert json.loads(ours.attrs["params"]) == json.loads(theirs.attrs["params"])
        assert np.abs(theirs["flow"][..., :2]).mean() > 0.01  # the pairs span an expression
        for t in range(3):
            error = endpoint_error(ours["flow"][t, ..., :2], theirs["flow"][t, ..., :2])
            assert error.mean() <= AGREEMENT_EPE and np.percentile(error, 99) <= 0.1
            strain_gap = np.abs(ours["flow"][t, ..., 2] - theirs["flow"][t, ..., 2]).mean()
            assert strain_gap <= AGREEMENT_EPE


def test_batches_computed_at_once_come_back_in_pair_order(demo_faces):
    params = TVL1Params()
    side_by_side = list(iter_flow(demo_faces, 2, params, threads=2, batch_size=1))
    one_batch_after_another = list(iter_flow(demo_faces, 2, params, threads=1, batch_size=2))
    assert len(side_by_side) == 3
    for ours, reference in zip(side_by_side, one_batch_after_another, strict=True):
        assert np.array_equal(ours, reference)
    assert not np.array_equal(side_by_side[0], side_by_side[2])  # the pairs differ


def test_a_cpu_computes_a_batch_per_thread_and_a_gpu_one_at_a_time():
    assert streams_for("/device:CPU:0", 4) == 4
    assert streams_for("/device:CPU:0", 0) == 1
    assert streams_for("/device:GPU:0", 4) == 1


@pytest.mark.parametrize(("gpus", "engine"), [(0, "opencv"), (1, "tensorflow")])
def test_auto_records_the_engine_it_chose_in_the_flow_file(demo_faces, tmp_path, gpus, engine):
    path = tmp_path / "auto.h5"
    write_flow_cache(
        demo_faces, path, 2, TVL1Params(), 1, {"video": "demo"}, "auto", batch_size=2, gpus=gpus
    )
    with h5py.File(path) as handle:
        assert handle.attrs["engine"] == engine and handle["flow"].shape == (3, SIZE, SIZE, 3)


def test_pyramid_levels_are_sized_as_opencv_sizes_them():
    params = TVL1Params()
    assert pyramid_sizes(128, 128, params) == [(128, 128), (102, 102), (82, 82), (66, 66), (53, 53)]
    # OpenCV stops before a level with a side under 16 pixels
    assert pyramid_sizes(32, 40, params) == [(32, 40), (26, 32), (21, 26), (17, 21)]


@pytest.mark.parametrize("size", [3, 5])
def test_median_filter_is_opencvs_median_blur(size):
    values = np.random.default_rng(size).standard_normal((2, 13, 17)).astype(np.float32)
    ours = _median_filter(values, size).numpy()
    for image, filtered in zip(values, ours):
        assert np.array_equal(filtered, cv2.medianBlur(image, size))
    steps, _ = _median_network(size * size)
    assert len(steps) < size**4  # pruned to the steps the median needs


def test_unsupported_parameters_are_refused():
    with pytest.raises(ValueError, match="gamma"):
        shared_engine(TVL1Params(gamma=0.1), default_device())
    with pytest.raises(ValueError, match="median_filtering"):
        shared_engine(TVL1Params(median_filtering=7), default_device())


def test_the_stopping_error_is_opencvs_sequential_float32_sum_near_the_threshold():
    rng = np.random.default_rng(3)
    change = (rng.random((2, SIZE, SIZE)) ** 4 * 1e-3).astype(np.float32)
    sequential = np.add.accumulate(change.reshape(2, -1), axis=1)[:, -1]  # one at a time
    exact = change.reshape(2, -1).astype(np.float64).sum(axis=1)
    # a threshold between the two sums: the float64 sum would stop the first pair, OpenCV not
    stop = np.nextafter(sequential[0], np.float32(exact[0]))
    assert (sequential[0] > stop) != (exact[0] > stop)
    error = tf.function(lambda terms, active: _opencv_error(terms, stop, active), jit_compile=True)
    ours = error(change, tf.constant([True, True])).numpy()
    assert ours[0] == sequential[0]
    assert (ours[1] > stop) == (sequential[1] > stop)  # far from the threshold: its side only


def test_a_pair_whose_stopping_sum_lies_within_rounding_of_epsilon_is_opencvs_bit_for_bit(engine):
    first, second = np.load(NEAR_THRESHOLD_PAIR)["pair"]
    theirs = TVL1Params().create().calc(first, second, None)
    ours = engine.calc(np.stack([first, first]), np.stack([second, second]))
    assert np.array_equal(ours[0], theirs) and np.array_equal(ours[1], theirs)
