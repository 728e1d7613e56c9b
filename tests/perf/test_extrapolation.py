"""The extrapolation to the real releases, from hand-made rates."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from perf.extrapolation import RealDataset, extrapolate


def test_extrapolation_from_hand_made_rates():
    stages = pd.DataFrame(
        [
            ("faces", "", 10, 0.1, 500.0),
            ("flow", "", 10, 0.2, 1000.0),
            ("roi", "", 10, 0.01, 100.0),
            ("scoring", "micro", 10, 0.002, float("nan")),
            ("scoring", "macro", 10, 0.001, float("nan")),
        ],
        columns=["stage", "type", "units", "cpu_seconds_per_unit", "bytes_per_unit"],
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
    assert micro["scoring_cpu_h"] == pytest.approx(0.01)  # 18k frames x 2 ms, the micro rate
    assert table.loc["macro (k = 9)", "scoring_cpu_h"] == pytest.approx(0.01)  # 36k x 1 ms
    assert math.isnan(table.loc["macro (k = 9)", "training_cpu_h"])  # no macro rate measured
    total = table.loc["total"]
    assert total["flow_cpu_h"] == pytest.approx(3.0) and total["training_cpu_h"] == 1.0
    assert (table["dataset"] == "toy").all()
