"""The paper-shaped table and the p sweep, on hand-made counts and curves."""

import numpy as np
import pandas as pd
import pytest

from softnet.evaluation import Counts
from softnet.reports.p_sweep import sweep_p
from softnet.reports.tables import paper_table


def test_paper_table_pools_types_and_stands_beside_the_published_numbers():
    per_scope = {
        "labelled": {"micro": Counts(18, 327, 39), "macro": Counts(91, 348, 209)},
        "all": {"micro": Counts(18, 400, 39), "macro": Counts(91, 360, 209)},
    }
    table = paper_table(per_scope, "casme2").set_index(["scope", "expression"])
    assert list(table.index) == [
        ("labelled", "macro"),
        ("labelled", "micro"),
        ("labelled", "overall"),
        ("all", "macro"),
        ("all", "micro"),
        ("all", "overall"),
    ]
    overall = table.loc[("labelled", "overall")]
    assert (overall["TP"], overall["FP"], overall["FN"]) == (109, 675, 248)
    assert table.loc[("labelled", "micro"), "F1"] == pytest.approx(0.0896, abs=1e-4)
    assert table.loc[("labelled", "macro"), "paper_F1"] == 0.2410
    assert table.loc[("labelled", "micro"), "published_weights_F1"] == pytest.approx(0.0896)
    assert pd.isna(table.loc[("all", "micro"), "paper_F1"])


def test_paper_table_of_a_dataset_without_published_numbers():
    table = paper_table({"labelled": {"macro": Counts(2, 1, 0)}}, "demo")
    assert list(table["expression"]) == ["macro", "overall"]
    assert table["paper_F1"].isna().all() and table["published_weights_F1"].isna().all()


def test_p_sweep_finds_a_clear_peak_at_low_p_and_loses_it_at_high_p():
    k = 3
    scores = np.zeros(60)
    scores[20:27] = [0.2, 0.5, 0.8, 1.0, 0.8, 0.5, 0.2]  # a clear expression
    scores[45:48] = [0.3, 0.45, 0.3]  # a weaker bump elsewhere
    # smoothed peak q ~ 20 -> interval [20, 26]; the event is the same frames
    used = pd.DataFrame(
        {"subject": ["s1"], "video": ["v1"], "name": ["e1"], "start0": [20], "end0": [26]}
    )
    sweep = sweep_p({("s1", "v1"): scores}, k, used, [0.1, 0.9], dummy_interval=True)
    low, high = sweep.iloc[0], sweep.iloc[1]
    assert (low["TP"], low["FN"]) == (1, 0) and low["FP"] >= 1  # the weak bump counts too
    assert (high["TP"], high["FP"], high["FN"]) == (1, 0, 0)
