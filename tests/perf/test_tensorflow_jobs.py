"""Fold 1's jobs against the published scripts' loop, and the training loops' rows, on
hand-made records."""

from __future__ import annotations

import math
from types import SimpleNamespace

import h5py

from perf.loading import LoadingTiming
from perf.scripts_timing import ScriptsFoldTiming
from perf.tensorflow_jobs import fold_measures, loop_measures, starts_measure
from tests.perf.hand_made import jobs_and_caches


def test_fold_one_against_the_scripts_loop_on_the_same_samples():
    jobs, _ = jobs_and_caches()
    scripts = ScriptsFoldTiming(samples=100, held_out_frames=30, fit_s=20.0, predict_s=2.0)
    ours, theirs, ratio = fold_measures(jobs, "micro", ["s1", "s2"], scripts, startup_s=8.0)
    # s1's training and half of the type's 6 s of scoring
    assert ours.value == 23.0 and "20.0 s + 3.0 s (the scoring seconds / 2 folds)" in ours.detail
    assert theirs.value == 26.0 and "start-up 8.0 s / 2 folds" in theirs.detail
    assert (ratio.value, ratio.met, ratio.target) == (23 / 26, True, "<= 1.0")
    faster = ScriptsFoldTiming(samples=100, held_out_frames=30, fit_s=16.0, predict_s=2.0)
    assert fold_measures(jobs, "micro", ["s1", "s2"], faster, startup_s=8.0)[2].met is False
    assert fold_measures(jobs, "macro", ["s1", "s2"], scripts, startup_s=8.0) == []  # no job


def test_starts_count_training_and_scoring_jobs_and_the_tensorflow_flow_jobs(tmp_path):
    jobs, _ = jobs_and_caches()
    for subject, video, engine in (("s1", "v1", "tensorflow"), ("s2", "v2", "opencv")):
        path = tmp_path / "flow" / "k5" / subject / f"{video}.h5"
        path.parent.mkdir(parents=True)
        with h5py.File(path, "w") as handle:
            handle.attrs["engine"] = engine
    starts = starts_measure(SimpleNamespace(results=tmp_path), jobs)
    assert (starts.value, starts.detail) == (5, "2 training, 2 scoring, 1 flow jobs")


def test_the_training_loops_rows_compare_the_loops_and_the_logs():
    timing = LoadingTiming(
        steps=100,
        batch_size=12,
        step_s_loading=0.005,
        step_s_in_memory=0.004,
        step_s_train_on_batch=0.008,
        step_s_xla_in_memory=0.008,
        step_s_bare_in_memory=0.0032,
        load_s=0.001,
    )
    rows = {m.item: m for m in loop_measures(timing, "micro", "CPU (2 threads)", logs_rate=2280)}
    assert rows["training samples per second: train_on_batch, in memory"].value == 1500
    assert rows["training samples per second: compiled loop fed by the loader"].value == 2400
    speedup = rows["training: compiled loop / train_on_batch, samples per second"]
    assert (speedup.value, speedup.met) == (2.0, True)
    xla = rows["training samples per second: XLA-compiled steps, in memory (a comparison only)"]
    assert xla.value == 1500
    xla_ratio = rows["training: XLA-compiled steps / compiled loop, samples per second"]
    assert (xla_ratio.value, xla_ratio.target) == (0.5, "")
    floor = rows["training samples per second: the bare steps, in memory (no Keras metrics)"]
    assert floor.value == 3750
    headroom = rows[
        "training: train_on_batch / the bare steps (the most any faithful loop could gain)"
    ]
    assert (headroom.value, headroom.target) == (2.5, "")
    logs = rows["training: the logs' samples per second / the loader-fed loop's"]
    assert logs.value == 0.95 and logs.met is True
    gpu = rows["training samples per second on a GPU"]
    assert math.isnan(gpu.value) and "not measured" in gpu.detail
    slow = loop_measures(timing, "micro", "GPU (H100)", logs_rate=1200)
    assert [m.met for m in slow if m.item.startswith("training: the logs'")] == [False]
    assert not [m for m in slow if m.item.endswith("on a GPU")]  # the rows are the GPU's
    assert not [m for m in loop_measures(timing, "micro", "CPU", None) if "logs" in m.item]
