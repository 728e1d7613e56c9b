"""The benchmark's reading, aggregation, extrapolation and targets, on hand-made records."""

from __future__ import annotations

import math
from pathlib import Path, PurePosixPath

import h5py
import numpy as np
import pandas as pd
import pytest

from perf.benchmark import (
    SCRIPTS_REFERENCE,
    RealDataset,
    Run,
    cache_files,
    end_to_end_measures,
    extrapolate,
    fold_measures,
    job_of,
    k_types,
    like_the_reference,
    long_table,
    main,
    markdown,
    read_benchmarks,
    scripts_comparison,
    stage_table,
    targets,
    training_progress,
)

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
SUMMARY = {"micro": {"k": 5}, "macro": {"k": 15}}


def write_tsv(path: Path, seconds: float, rss: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{seconds}\t0:00:00\t{rss}\t1\t1\t1\t0\t0\t50\t1\n")


def test_job_of_reads_every_stage_and_both_scoring_layouts():
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


def jobs_and_caches() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two videos: faces 2 s + 4 s for 10 + 30 frames, flow at k = 5 10 s + 30 s for 15 + 25
    pairs, one micro job scoring a video and one macro job scoring a subject's videos."""
    jobs = pd.DataFrame(
        [
            ("faces", "", None, "s1", "v1", 2.0, 100.0),
            ("faces", "", None, "s2", "v2", 4.0, 150.0),
            ("flow", "", 5, "s1", "v1", 10.0, 300.0),
            ("flow", "", 5, "s2", "v2", 30.0, 350.0),
            ("training", "micro", None, "s1", "", 20.0, 700.0),
            ("training", "micro", None, "s2", "", 40.0, 800.0),
            ("scoring", "micro", None, "s1", "v1", 6.0, 500.0),
            ("scoring", "macro", None, "s2", "", 9.0, 500.0),
        ],
        columns=["stage", "type", "k", "subject", "video", "seconds", "max_rss_mb"],
    )
    caches = pd.DataFrame(
        [
            ("faces", None, "s1", "v1", 10, 1000),
            ("faces", None, "s2", "v2", 30, 3000),
            ("flow", 5, "s1", "v1", 15, 30_000),
            ("flow", 5, "s2", "v2", 25, 50_000),
            ("roi", 5, "s1", "v1", 15, 3000),
            ("roi", 5, "s1", "v3", 7, 700),  # not scored by the per-video micro job
            ("roi", 15, "s2", "v2", 5, 1000),
        ],
        columns=["stage", "k", "subject", "video", "frames", "bytes"],
    ).astype({"k": "Int64"})
    return jobs, caches


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


def test_k_shared_by_both_types_names_both():
    assert k_types({"micro": {"k": 5}, "macro": {"k": 5}}) == {5: "micro+macro"}
    assert k_types(SUMMARY) == {5: "micro", 15: "macro"}


def test_training_progress_times_the_epochs_after_the_first():
    log = (
        "2026-01-01 10:00:00,000 INFO softnet: running on host\n"
        "2026-01-01 10:00:00,500 INFO softnet.training: 120 training samples (30 positive)\n"
        "2026-01-01 10:00:05,000 INFO softnet.training: epoch 1/3 (4.1 s): {...}\n"
        "2026-01-01 10:00:06,000 INFO softnet.training: epoch 2/3 (1.0 s): {...}\n"
        "a continuation line without a time stamp\n"
        "2026-01-01 10:00:07,500 INFO softnet.training: epoch 3/3 (1.5 s): {...}\n"
    )
    assert training_progress(log) == (240, 2.5)  # 2 epochs of 120 samples in 2.5 s
    one_epoch = log.splitlines()[1] + "\n2026-01-01 10:00:04,500 INFO x: epoch 1/1 (4.0 s): {}\n"
    assert training_progress(one_epoch) == (120, 4.0)
    assert training_progress("2026-01-01 10:00:00,000 INFO x: published weights\n") is None


def test_extrapolation_from_hand_made_rates():
    stages = pd.DataFrame(
        [
            ("faces", 10, 0.1, 500.0),
            ("flow", 10, 0.2, 1000.0),
            ("roi", 10, 0.01, 100.0),
        ],
        columns=["stage", "units", "cpu_seconds_per_unit", "bytes_per_unit"],
    )
    data = RealDataset(
        "toy",
        videos=2,
        frames=36_000,
        k={"micro": 3, "macro": 9},
        pairs={"micro": 18_000, "macro": 36_000},
        folds={"micro": 3, "macro": 3},
    )
    table = extrapolate(stages, {"micro": 100.0}, 2, 10, (data,)).set_index("part")
    assert table.loc["faces, every video", "faces_cpu_h"] == pytest.approx(1.0)  # 36k x 0.1 s
    assert table.loc["faces, every video", "disk_gb"] == pytest.approx(0.018)
    micro = table.loc["micro (k = 3)"]
    assert micro["flow_cpu_h"] == pytest.approx(1.0) and micro["roi_cpu_h"] == pytest.approx(0.05)
    # 10 epochs x 18k pairs x (3 - 1) folds' share / 2 = 180k samples, 2 threads at 100/s
    assert micro["training_cpu_h"] == pytest.approx(1.0)
    assert micro["disk_gb"] == pytest.approx(18_000 * 1100 / 1e9)
    assert math.isnan(table.loc["macro (k = 9)", "training_cpu_h"])  # no macro rate measured
    total = table.loc["total"]
    assert total["flow_cpu_h"] == pytest.approx(3.0) and total["training_cpu_h"] == 1.0
    assert (table["dataset"] == "toy").all()


def test_targets_met_and_not_met():
    flow, speedup, end_to_end = targets(1.05, 1.79, 2, None)
    assert flow.met is True and speedup.met is False and speedup.target == ">= 1.80"
    assert end_to_end.met is None and "not measured" in end_to_end.detail
    assert targets(1.06, 3.6, 4, 0.5)[1].met is True  # 4 workers need 3.6 x
    assert targets(1.06, 3.6, 4, 0.5)[0].met is False and targets(1.0, 2, 2, 0.5)[2].met is True


def test_only_the_reference_size_and_layout_compare_with_the_scripts():
    videos = pd.DataFrame({"frame_count": [1000, 1000, 1000], "excluded": ["", "", ""]})
    assert like_the_reference(videos, "sammlv")
    assert not like_the_reference(videos, "casme2")
    assert not like_the_reference(videos.assign(frame_count=[1000, 1000, 999]), "sammlv")


def test_scripts_stages_sum_our_jobs():
    jobs, caches = jobs_and_caches()
    stages = stage_table(jobs, caches, SUMMARY, workers=2, training_threads=2)
    ours = scripts_comparison(stages, SUMMARY)
    assert ours["cropping"] == 6.0 and ours["features micro"] == 40.0  # flow k5; no ROI jobs
    assert ours["training micro"] == 66.0 and ours["training macro"] == 9.0


def test_end_to_end_against_the_scripts_only_on_their_kind_of_data(tmp_path):
    jobs, caches = jobs_and_caches()
    stages = stage_table(jobs, caches, SUMMARY, workers=2, training_threads=2)
    assert sum(SCRIPTS_REFERENCE.seconds.values()) == 1374.0
    run = Run(tmp_path, {}, "toy", cores=2, wall_seconds=687.0)
    measures = end_to_end_measures(run, stages, SUMMARY, comparable=True)
    rows = {m.item: m for m in measures}
    assert rows["workflow / the scripts' stored times"].value == pytest.approx(0.5)
    assert rows["workflow, snakemake all from frames"].value == 687.0
    assert "this run's k: micro 5, macro 15" in rows["published scripts (stored)"].detail
    assert rows["cropping: sum of job seconds / the scripts' 288 s"].value == pytest.approx(6 / 288)
    measures = end_to_end_measures(run, stages, SUMMARY, comparable=False)
    assert [m.item for m in measures] == ["workflow, snakemake all from frames"]


def test_fold_one_against_the_scripts_loop_on_the_same_samples():
    from perf.scripts_timing import ScriptsFoldTiming

    jobs, _ = jobs_and_caches()
    scripts = ScriptsFoldTiming(samples=100, held_out_frames=30, fit_s=20.0, predict_s=2.0)
    ours, theirs, ratio = fold_measures(jobs, "micro", ["s1", "s2"], scripts, startup_s=8.0)
    assert ours.value == 26.0 and "20.0 s + 6.0 s" in ours.detail  # training + scoring of s1
    assert theirs.value == 26.0 and "start-up 8.0 s / 2 folds" in theirs.detail
    assert (ratio.value, ratio.met, ratio.target) == (1.0, True, "<= 1.0")
    slower = ScriptsFoldTiming(samples=100, held_out_frames=30, fit_s=19.0, predict_s=2.0)
    assert fold_measures(jobs, "micro", ["s1", "s2"], slower, startup_s=8.0)[2].met is False
    assert fold_measures(jobs, "macro", ["s1", "s2"], scripts, startup_s=8.0) == []  # no job


def test_tables_hold_every_number():
    jobs, caches = jobs_and_caches()
    stages = stage_table(jobs, caches, SUMMARY, workers=2, training_threads=2)
    measures = targets(1.01, 1.97, 2, 0.55)
    extra = extrapolate(stages, {}, 2, 10)
    text = markdown("Benchmark of toy", stages, measures, extra)
    assert "| flow | micro | 5 | 2 | 40 | 1 s/pair | 2 s/pair | 350 | 2,000 |" in text
    assert "| flow stage / bare TV-L1, same workers |  | 1.01 x | <= 1.05 | met |" in text
    assert (
        "| end to end / the published scripts re-enacted |  | 0.55 x | <= 0.5 | not met |" in text
    )
    assert "| CAS(ME)^2 | micro (k = 6) | 80,000 |" in text
    table = long_table(stages, measures, extra)
    row = table[(table["item"] == "flow seconds_per_unit")].iloc[0]
    assert (row["value"], row["unit"], row["k"]) == (1.0, "s/pair", 5)
    assert table[table["section"] == "targets"]["met"].tolist() == [True, True, False]


@pytest.mark.workflow
def test_benchmark_reads_a_finished_run(demo_run, tmp_path):
    """The command on the tiny demo's run: every stage, the targets, the extrapolation."""
    main(
        ["--from-run", str(demo_run), "--cores", "2", "--bare-pairs", "4", "--sample-pairs", "4"]
        + ["--loader-steps", "5", "--output", str(tmp_path), "--name", "tiny"]
    )
    table = pd.read_csv(tmp_path / "tiny.csv")
    stages = set(table[table["section"] == "stages"]["item"].str.split().str[0])
    assert stages == {"faces", "flow", "roi", "training", "scoring"}
    targets_rows = table[table["section"] == "targets"]
    assert len(targets_rows) == 5  # flow, workers, end to end, fold 1 of each type
    folds = table[table["item"] == "fold 1, start-up included / the scripts' loop"]
    assert sorted(folds["type"]) == ["macro", "micro"] and (folds["value"] > 0).all()
    flow = table.set_index("item").loc["flow stage, time per pair (2 workers)", "value"]
    assert flow > 0
    rates = table[table["item"].str.startswith("training samples per second")]
    assert sorted(rates["type"]) == ["macro", "micro"] and (rates["value"] > 0).all()
    loader = table[table["item"] == "training step: ROI loading vs in memory"]
    assert sorted(loader["type"]) == ["macro", "micro"] and (loader["value"] > 0).all()
    text = (tmp_path / "tiny.md").read_text()
    assert "bare DualTVL1OpticalFlow.calc" in text and "| SAMM-LV | total |" in text
