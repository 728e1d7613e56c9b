"""The training settings comparison: its variants, what it reads of a run, its summary."""

from __future__ import annotations

import argparse
import json

import pandas as pd
import pytest

from perf.training_presets import parse_variant, summary, trained


def test_a_variant_is_a_name_a_batch_and_a_learning_rate():
    assert parse_variant("b96=96:0.004") == ("b96", 96, 0.004)
    with pytest.raises(argparse.ArgumentTypeError, match="NAME=BATCH:LEARNING_RATE"):
        parse_variant("b96=0.004")


def test_each_type_and_both_pooled_give_counts_f1_and_the_logs_rate(tmp_path):
    for kind, counts, epochs in (
        ("micro", (4, 11, 3), (3.0, 2.0, 2.0)),
        ("macro", (4, 1, 4), (5.0, 1.0)),
    ):
        folder = tmp_path / "results" / "demo" / kind / "evaluation"
        folder.mkdir(parents=True)
        labelled = dict(zip(("TP", "FP", "FN"), counts, strict=True))
        (folder / "metrics.json").write_text(json.dumps({"scopes": {"labelled": labelled}}))
        logs = tmp_path / "logs" / "demo" / kind / "train_fold"
        logs.mkdir(parents=True)
        lines = ["100 training samples (10 positive)"]
        lines += [
            f"epoch {i + 1}/{len(epochs)} ({s} s, 1 samples/s): {{}}" for i, s in enumerate(epochs)
        ]
        (logs / "s1.log").write_text("\n".join(lines))
    rows = {row["type"]: row for row in trained(tmp_path, "demo", ["micro", "macro"])}
    assert rows["macro"]["F1"] == pytest.approx(8 / 13)  # 2 TP / (2 TP + FP + FN)
    assert rows["micro"]["F1"] == pytest.approx(8 / 22)
    assert rows["overall"]["F1"] == pytest.approx(16 / 35)  # 8 TP, 12 FP, 7 FN pooled
    # the epochs after the first: micro 2 x 100 samples in 4 s, macro 100 in 1 s
    assert (rows["micro"]["samples"], rows["micro"]["seconds"]) == (200, 4.0)
    assert (rows["overall"]["samples"], rows["overall"]["seconds"]) == (300, 5.0)


def test_the_summary_spans_the_seeds_of_each_variant_and_type():
    table = pd.DataFrame(
        {
            "variant": ["a", "a", "b"],
            "batch": [12, 12, 96],
            "learning_rate": [5e-4, 5e-4, 4e-3],
            "seed": [1, 2, 1],
            "type": ["micro"] * 3,
            "F1": [0.2, 0.4, 0.3],
            "samples": [100, 300, 800],
            "seconds": [1.0, 1.0, 1.0],
        }
    )
    rows = summary(table).set_index("variant")
    assert rows.loc["a", ["seeds", "F1_mean", "F1_min", "F1_max"]].tolist() == pytest.approx(
        [2, 0.3, 0.2, 0.4]
    )
    assert rows.loc["a", "samples_per_s"] == 200 and rows.loc["b", "samples_per_s"] == 800
