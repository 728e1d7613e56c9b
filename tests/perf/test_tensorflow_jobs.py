"""Fold 1's jobs against the published scripts' loop, on hand-made records."""

from __future__ import annotations

from perf.scripts_timing import ScriptsFoldTiming
from perf.tensorflow_jobs import fold_measures
from tests.perf.hand_made import jobs_and_caches


def test_fold_one_against_the_scripts_loop_on_the_same_samples():
    jobs, _ = jobs_and_caches()
    scripts = ScriptsFoldTiming(samples=100, held_out_frames=30, fit_s=20.0, predict_s=2.0)
    ours, theirs, ratio = fold_measures(jobs, "micro", ["s1", "s2"], scripts, startup_s=8.0)
    assert ours.value == 26.0 and "20.0 s + 6.0 s" in ours.detail  # training + scoring of s1
    assert theirs.value == 26.0 and "start-up 8.0 s / 2 folds" in theirs.detail
    assert (ratio.value, ratio.met, ratio.target) == (1.0, True, "<= 1.0")
    slower = ScriptsFoldTiming(samples=100, held_out_frames=30, fit_s=19.0, predict_s=2.0)
    assert fold_measures(jobs, "micro", ["s1", "s2"], slower, startup_s=8.0)[2].met is False
    assert fold_measures(jobs, "macro", ["s1", "s2"], scripts, startup_s=8.0) == []  # no job
