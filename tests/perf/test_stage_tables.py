"""Reading what a run's jobs recorded into stage tables, on hand-made records."""

from __future__ import annotations

import math
from pathlib import Path, PurePosixPath

import h5py
import numpy as np
import pandas as pd
import pytest

from perf.stage_tables import (
    cache_files,
    job_of,
    k_types,
    read_benchmarks,
    scored_frames,
    stage_table,
    training_progress,
)
from tests.perf.hand_made import SUMMARY, jobs_and_caches

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def write_tsv(path: Path, seconds: float, rss: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{seconds}\t0:00:00\t{rss}\t1\t1\t1\t0\t0\t50\t1\n")


def test_job_of_reads_every_stage_and_every_scoring_layout():
    def job(path):
        return job_of(PurePosixPath(path))

    assert job("faces/s15/v1.tsv") == {
        "stage": "faces", "type": "", "k": None, "subject": "s15", "video": "v1"
    }  # fmt: skip
    assert job("flow/k15/s15/v1.tsv")["k"] == 15 and job("roi/k5/s15/v1.tsv")["stage"] == "roi"
    assert job("micro/train_fold/s16.tsv") == {
        "stage": "training", "type": "micro", "k": None, "subject": "s16", "video": ""
    }  # fmt: skip
    per_video = job("macro/scores/s16/v2.tsv")
    per_fold = job("macro/scores/s16.tsv")
    assert (per_video["stage"], per_video["subject"], per_video["video"]) == (
        "scoring",
        "s16",
        "v2",
    )
    assert (per_fold["stage"], per_fold["subject"], per_fold["video"]) == ("scoring", "s16", "")
    per_type = job("macro/score_folds.tsv")
    assert (per_type["stage"], per_type["type"], per_type["subject"]) == ("scoring", "macro", "")
    assert job("applied/demo/micro/score_applied.tsv") is None
    assert job("flow/kx/s15/v1.tsv") is None


def test_read_benchmarks_takes_seconds_and_rss_and_skips_other_files(tmp_path):
    write_tsv(tmp_path / "faces/s1/v1.tsv", 2.0, "100.5")
    write_tsv(tmp_path / "faces/s2/v2.tsv", 4.0, "NA")  # a job faster than the first sample
    write_tsv(tmp_path / "micro/scores/s1.tsv", 7.5, "300")
    write_tsv(tmp_path / "applied/published-casme2/micro/score_applied.tsv", 9.0, "1")
    jobs = read_benchmarks(tmp_path)
    assert list(jobs["stage"]) == ["faces", "faces", "scoring"]
    assert list(jobs["seconds"]) == [2.0, 4.0, 7.5]
    assert jobs["max_rss_mb"].iloc[0] == 100.5 and math.isnan(jobs["max_rss_mb"].iloc[1])


def test_cache_files_count_frames_and_bytes(tmp_path):
    files = {
        "faces/s1/v1.h5": ("crops", (10, 4, 4)),
        "flow/k5/s1/v1.h5": ("flow", (5, 4, 4, 3)),
        "roi/k5/s1/v1.h5": ("roi", (5, 2, 2, 3)),
    }
    for name, (dataset, shape) in files.items():
        (tmp_path / name).parent.mkdir(parents=True)
        with h5py.File(tmp_path / name, "w") as handle:
            handle.create_dataset(dataset, data=np.zeros(shape, np.float32))
    (tmp_path / "flow/k5/s1/v2.h5.partial").write_bytes(b"half")  # never counted
    caches = cache_files(tmp_path)
    assert list(zip(caches["stage"], caches["frames"])) == [("faces", 10), ("flow", 5), ("roi", 5)]
    assert pd.isna(caches["k"].iloc[0]) and list(caches["k"].iloc[1:]) == [5, 5]
    assert caches["bytes"].iloc[1] == (tmp_path / "flow/k5/s1/v1.h5").stat().st_size


def test_stage_table_rates_per_frame_and_pair():
    jobs, caches = jobs_and_caches()
    table = stage_table(jobs, caches, SUMMARY, workers=2, training_threads=2).set_index("stage")
    faces = table.loc["faces"]
    assert (faces["jobs"], faces["units"], faces["job_seconds"]) == (2, 40, 6.0)
    assert faces["seconds_per_unit"] == pytest.approx(0.15)  # 6 s / 40 frames
    assert faces["bytes_per_unit"] == pytest.approx(100.0) and faces["peak_rss_mb"] == 150.0
    flow = table.loc["flow"]
    assert flow["type"] == "micro" and flow["k"] == 5
    assert flow["seconds_per_unit"] == pytest.approx(1.0)  # 40 s / 40 pairs, 2 workers
    assert flow["cpu_seconds_per_unit"] == pytest.approx(2.0)
    assert flow["bytes_per_unit"] == pytest.approx(2000.0)
    training = table.loc["training"]
    assert (training["units"], training["seconds_per_unit"]) == (2, 30.0)
    assert training["cpu_seconds_per_unit"] == 60.0  # 2 threads
    scoring = table[table.index == "scoring"].set_index("type")
    assert scoring.loc["micro", "units"] == 15  # v1's ROI frames at micro k = 5
    assert scoring.loc["macro", "units"] == 5  # all of s2's ROI frames at macro k = 15
    assert scoring.loc["macro", "seconds_per_unit"] == pytest.approx(1.8)


def test_a_types_scoring_job_scored_every_roi_file_at_its_k():
    _, caches = jobs_and_caches()
    job = pd.DataFrame({"subject": [""], "video": [""]})
    assert scored_frames(job, caches, 5) == 22  # s1's v1 and v3 at k = 5
    assert scored_frames(job, caches, 15) == 5


def test_k_shared_by_both_types_names_both():
    assert k_types({"micro": {"k": 5}, "macro": {"k": 5}}) == {5: "micro+macro"}
    assert k_types(SUMMARY) == {5: "micro", 15: "macro"}


def test_training_progress_times_the_epochs_after_the_first_as_their_lines_state():
    log = (
        "2026-01-01 10:00:00,000 INFO softnet: running on host\n"
        "2026-01-01 10:00:00,500 INFO softnet.training: 120 training samples (30 positive)\n"
        "2026-01-01 10:00:05,000 INFO softnet.training: epoch 1/3 (4.100 s, 29 samples/s): {}\n"
        "2026-01-01 10:00:06,200 INFO softnet.training: epoch 2/3 (1.000 s, 120 samples/s): {}\n"
        "a continuation line without a time stamp\n"
        "2026-01-01 10:00:07,900 INFO softnet.training: epoch 3/3 (1.500 s, 80 samples/s): {}\n"
    )
    assert training_progress(log) == (240, 2.5)  # 2 epochs of 120 samples in 2.5 s
    one_epoch = log.splitlines()[1] + "\n2026-01-01 10:00:04,500 INFO x: epoch 1/1 (4.0 s): {}\n"
    assert training_progress(one_epoch) == (120, 4.0)
    assert training_progress("2026-01-01 10:00:00,000 INFO x: published weights\n") is None
