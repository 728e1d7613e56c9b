"""Fold 1's jobs against the published scripts' loop, and the training loops' rows, on
hand-made records."""

from __future__ import annotations

import math
from types import SimpleNamespace

import h5py

from perf.loading import FedTiming, LoadingTiming
from perf.scripts_timing import ScriptsFoldTiming
from perf.tensorflow_jobs import LoopTimings, fold_measures, loop_measures, starts_measure
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


def loop_timing(device: str = "CPU (2 threads, oneDNN kernels)", **steps: float) -> LoadingTiming:
    """A hand-made timing of 100 steps of 12 samples: 5 ms a step fed by the loader, 4 ms in
    memory, 8 ms through train_on_batch, unless `steps` says otherwise."""
    values = {
        "step_s_loading": 0.005,
        "step_s_in_memory": 0.004,
        "step_s_train_on_batch": 0.008,
        "step_s_xla_in_memory": 0.008,
        "step_s_bare_in_memory": 0.0032,
    }
    return LoadingTiming(100, 12, **(values | steps), load_s=0.001, device=device)


def test_the_training_loops_rows_compare_the_loops_and_the_logs():
    timing = loop_timing()
    fed = FedTiming(300, 12, 0.005, timing.device)
    loops = LoopTimings(timing, [fed], own_kernels=None)
    rows = {m.item: m for m in loop_measures(loops, "micro", logs_rate=2280)}
    assert rows["training samples per second: train_on_batch, in memory"].value == 1500
    assert rows["training samples per second: compiled loop fed by the loader"].value == 2400
    speedup = rows["training: compiled loop / train_on_batch, samples per second"]
    assert (speedup.value, speedup.target) == (2.0, "")
    # TensorFlow's own kernels are the jobs' here: the jobs before ran train_on_batch on them
    gain = rows[
        "training: the jobs' loop / the jobs before (train_on_batch on TensorFlow's own kernels)"
    ]
    assert (gain.value, gain.met, gain.target) == (2.0, True, ">= 1.8")
    assert not [item for item in rows if "on TensorFlow's own kernels, in memory" in item]
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
    logs = rows["training: the logs' samples per second / the loader-fed loop's, as the jobs ran"]
    assert logs.value == 0.95 and logs.met is True and logs.detail == "1 process at once"
    gpu = rows["training samples per second on a GPU"]
    assert math.isnan(gpu.value) and "not measured" in gpu.detail
    on_gpu = loop_timing("GPU (H100)")
    fed_on_gpu = FedTiming(300, 12, 0.005, on_gpu.device)
    slow = loop_measures(LoopTimings(on_gpu, [fed_on_gpu], None), "micro", logs_rate=1200)
    assert [m.met for m in slow if m.item.startswith("training: the logs'")] == [False]
    assert not [m for m in slow if m.item.endswith("on a GPU")]  # the rows are the GPU's
    assert not [m for m in loop_measures(loops, "micro", None) if "logs" in m.item]


def test_the_logs_are_compared_with_the_loops_side_by_side_and_the_jobs_before():
    alone = loop_timing()
    # two processes at once: 6 and 10 ms a step fed by the loader, 2,000 and 1,200 samples/s
    side_by_side = [FedTiming(300, 12, step_s, alone.device) for step_s in (0.006, 0.010)]
    own = loop_timing(
        "CPU (2 threads, Eigen kernels)", step_s_in_memory=0.016, step_s_train_on_batch=0.02
    )
    loops = LoopTimings(alone, side_by_side, own)
    rows = {m.item: m for m in loop_measures(loops, "macro", logs_rate=1520)}
    each = rows[
        "training samples per second: compiled loop fed by the loader, "
        "2 processes at once (each, as a whole)"
    ]
    assert each.value == 1600 and each.detail.startswith("7.50 ms a step; 300 steps")
    logs = rows["training: the logs' samples per second / the loader-fed loop's, as the jobs ran"]
    assert (logs.value, logs.met, logs.detail) == (0.95, True, "2 processes at once")
    before = rows[
        "training samples per second: train_on_batch on TensorFlow's own kernels, in memory"
    ]
    assert before.value == 600 and "Eigen kernels" in before.detail
    kernels = rows[
        "training: compiled loop, the jobs' kernels / TensorFlow's own, samples per second"
    ]
    assert kernels.value == 4.0
    gain = rows[
        "training: the jobs' loop / the jobs before (train_on_batch on TensorFlow's own kernels)"
    ]
    assert (gain.value, gain.met) == (5.0, True)
    assert "on CPU (2 threads, Eigen kernels)" in gain.detail
