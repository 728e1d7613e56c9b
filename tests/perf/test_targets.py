"""The targets, met and not met at their bounds."""

from __future__ import annotations

from perf.targets import targets


def test_targets_met_and_not_met():
    flow, speedup, end_to_end = targets(1.05, 1.79, 2, None)
    assert flow.met is True and speedup.met is False and speedup.target == ">= 1.80"
    assert end_to_end.met is None and "not measured" in end_to_end.detail
    assert targets(1.06, 3.6, 4, 0.5)[1].met is True  # 4 workers need 3.6 x
    assert targets(1.06, 3.6, 4, 0.5)[0].met is False and targets(1.0, 2, 2, 0.5)[2].met is True
