"""The published scripts' cropping and features re-enacted for timing: the same work as theirs."""

from __future__ import annotations

import cv2
import h5py
import numpy as np

from perf import scripts_timing
from perf.scripts_timing import time_scripts_cropping, time_scripts_flow
from softnet.face import CropSettings, FaceBox, crop
from softnet.flow.tvl1 import TVL1Params, features_of_flow


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
