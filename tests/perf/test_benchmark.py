"""The benchmark command, end to end on a finished run of the tiny demo."""

from __future__ import annotations

import pandas as pd
import pytest

from perf.benchmark import main


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
    items = table.set_index("item")
    stage = items.loc["flow stage, time per pair (2 cores)"]
    assert stage["value"] > 0 and stage["detail"] == "the opencv engine, jobs of 1 thread(s)"
    assert items.loc["flow throughput, tensorflow engine", "value"] > 0
    assert "batches of 1, 2 at once" in items.loc["flow throughput, tensorflow engine", "detail"]
    starts = items.loc["TensorFlow starts in the run"]  # 2 folds x 2 types, a scoring job each
    assert (starts["value"], starts["detail"]) == (6, "4 training, 2 scoring, 0 flow jobs")
    rows = table.set_index(["item", "type"])["value"]
    for kind in ("micro", "macro"):
        for item in (
            "training samples per second, the logs' epochs (1 thread a job)",
            "training samples per second: train_on_batch, in memory",
            "training samples per second: compiled loop, in memory",
            "training samples per second: compiled loop fed by the loader",
            "training: compiled loop / train_on_batch, samples per second",
            "training: the jobs' loop / the jobs before (train_on_batch on TensorFlow's own "
            "kernels)",
            # 4 training jobs of 1 thread on 2 cores: 2 at a time
            "training samples per second: compiled loop fed by the loader, 2 processes at once "
            "(each, as a whole)",
            "training: the logs' samples per second / the loader-fed loop's, as the jobs ran",
        ):
            assert rows[item, kind] > 0, (item, kind)
        assert pd.isna(rows["training samples per second on a GPU", kind])  # no GPU in tests
    loader = table[table["item"] == "training step: ROI loading vs in memory"]
    assert sorted(loader["type"]) == ["macro", "micro"] and (loader["value"] > 0).all()
    text = (tmp_path / "tiny.md").read_text()
    assert "bare DualTVL1OpticalFlow.calc" in text and "| SAMM-LV | total |" in text


@pytest.mark.workflow
def test_the_spot_row_times_a_clip_from_frames_to_its_summary(published_weights, tmp_path):
    """--spot on a 2-second clip: its frames, pairs (two types, k = 6 and 18 at 30 fps), time,
    memory and disk with and without the flow."""
    args = ["--spot", "2", "--weights", str(published_weights), "--cores", "2"]
    main([*args, "--output", str(tmp_path)])
    (row,) = pd.read_csv(tmp_path / "spot.csv").to_dict("records")
    assert (row["frames"], row["pairs"], row["engine"]) == (60, (60 - 6) + (60 - 18), "opencv")
    assert row["wall_s"] > 0 and row["flow_pairs_per_s"] > 0 and row["peak_rss_mb"] > 100
    assert 0 < row["disk_mb_without_flow"] < row["disk_mb_keep_flow"]
    assert (tmp_path / "spot.md").read_text().startswith("Spotting one clip at 30 fps with")
