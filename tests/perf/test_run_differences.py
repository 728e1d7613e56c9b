"""Two runs' models, score curves and paper tables compared, on hand-made results folders."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from perf.run_differences import main, run_differences
from softnet.model.network import build_softnet, save_checkpoint


def results_folder(root, weight_shift: float, score_shift: float, macro_tp: int):
    """One model and one score curve of a micro fold, and a paper table."""
    model = build_softnet(seed=1)
    weights = model.get_weights()
    weights[-1] = weights[-1] + weight_shift
    model.set_weights(weights)
    save_checkpoint(model, root / "micro" / "models" / "006.keras")
    scores = root / "micro" / "scores" / "006"
    scores.mkdir(parents=True)
    pd.DataFrame({"frame": [0, 1, 2], "score": [0.5, 0.25 + score_shift, 0.0]}).to_csv(
        scores / "006_1.csv", index=False
    )
    (root / "report").mkdir()
    pd.DataFrame({"type": ["macro"], "TP": [macro_tp]}).to_csv(
        root / "report" / "paper_table.csv", index=False
    )
    return root


def test_the_largest_differences_and_the_tables_are_reported(tmp_path, capsys):
    first = results_folder(tmp_path / "a" / "results" / "set", 0.0, 0.0, macro_tp=4)
    second = results_folder(tmp_path / "b" / "results" / "set", 0.25, 0.125, macro_tp=4)
    found = run_differences(first, second)
    assert (found.models, found.score_files, found.same_paper_table) == (1, 1, True)
    assert found.max_weight == pytest.approx(0.25) and found.max_score == 0.125
    third = results_folder(tmp_path / "c" / "results" / "set", 0.0, 0.0, macro_tp=5)
    main([str(tmp_path / "a"), str(tmp_path / "c"), "--dataset", "set"])
    assert capsys.readouterr().out.splitlines() == [
        "1 models: weights differ by at most 0",
        "1 score curves: scores differ by at most 0",
        "paper table: DIFFERENT",
    ]
    shutil.rmtree(third / "micro" / "scores")
    with pytest.raises(SystemExit, match="c/results/set/micro/scores/006/006_1.csv is missing"):
        run_differences(first, third)
