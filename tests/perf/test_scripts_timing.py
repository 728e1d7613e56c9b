"""The published scripts' cropping and features re-enacted for timing: the same work as theirs."""

from __future__ import annotations

from itertools import islice

import cv2
import h5py
import numpy as np
import pytest

from perf import scripts_timing
from perf.scripts_timing import (
    scripts_batches,
    time_scripts_cropping,
    time_scripts_flow,
    time_scripts_fold,
)
from softnet.face import CropSettings, FaceBox, crop
from softnet.flow.tvl1 import TVL1Params, features_of_flow
from softnet.model.network import normalise
from softnet.model.training import TrainingParams, draw_samples
from softnet.tensorflow_setup import configure_tensorflow
from tests.helpers.arrays import roi_files


def test_cropping_writes_and_reads_back_the_crops_the_face_stage_makes(tmp_path):
    rng = np.random.default_rng(0)
    frames = []
    for index in range(3):
        path = tmp_path / f"frame_{index}.png"
        cv2.imwrite(str(path), rng.integers(0, 256, (64, 80, 3), dtype=np.uint8))
        frames.append(path)
    box = FaceBox(top=10, bottom=50, left=20, right=60)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert time_scripts_cropping(frames, box, scratch) > 0
    written = sorted(scratch.glob("*.jpg"))
    assert len(written) == 3
    for frame, jpeg in zip(frames, written, strict=True):
        expected = crop(cv2.imread(str(frame)), box, CropSettings())
        assert np.array_equal(cv2.imread(str(jpeg), cv2.IMREAD_GRAYSCALE), expected)


def test_features_run_every_pair_up_to_the_sample_with_opencv_threads(tmp_path, monkeypatch):
    face = tmp_path / "face.h5"
    with h5py.File(face, "w") as handle:
        handle["crops"] = np.random.default_rng(1).integers(0, 256, (10, 32, 32), dtype=np.uint8)
    computed = []

    def counted(flow: np.ndarray) -> np.ndarray:
        computed.append(flow.shape)
        return features_of_flow(flow)

    monkeypatch.setattr(scripts_timing, "features_of_flow", counted)
    threads = cv2.getNumThreads()
    try:
        assert time_scripts_flow(face, k=2, params=TVL1Params(), pairs=100) > 0
        assert cv2.getNumThreads() == cv2.getNumberOfCPUs()
    finally:
        cv2.setNumThreads(threads)
    assert computed == [(32, 32, 2)] * 8  # 10 crops, k = 2: pairs 0 .. 7


def test_the_scripts_generator_normalises_every_batch_and_starts_again_after_the_last():
    rng = np.random.default_rng(1)
    held = [
        ([rng.random((2, 42, 42, 1), dtype=np.float32) * 5 for _ in range(3)], np.array([1.0, 0]))
        for _ in range(2)
    ]
    passed = list(islice(scripts_batches(held), 3))
    for (streams, labels), (raw, expected) in zip(passed, [*held, held[0]], strict=True):
        frames = np.concatenate(streams, axis=-1)
        assert isinstance(streams, tuple) and len(streams) == 3
        assert np.array_equal(frames, normalise(np.concatenate(raw, axis=-1)))
        assert frames.min() == pytest.approx(0.0, abs=1e-6) and frames.max() == pytest.approx(1.0)
        assert labels is expected


def test_the_scripts_loop_times_a_fold_on_the_samples_this_workflow_draws(tmp_path):
    files, labels = roi_files(tmp_path, videos=3)
    params = TrainingParams(epochs=1)
    configure_tensorflow(threads=1, seed=params.seed)
    timing = time_scripts_fold(
        files[:2], labels[:2], files[2:], labels[2:], "micro", params, fold_seed=1001
    )
    drawn = draw_samples(labels[:2], "micro", params, fold_seed=1001)
    assert timing.samples == len(drawn) == 12 * 4 + 24  # positives x 4, int(48 / 2) negatives
    assert timing.held_out_frames == 30
    assert timing.fit_s > 0 and timing.predict_s > 0
    assert timing.seconds == timing.fit_s + timing.predict_s
