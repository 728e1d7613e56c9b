"""This workflow against the published scripts' reference, on hand-made records."""

from __future__ import annotations

import pandas as pd
import pytest

from perf.runs import Run
from perf.scripts_comparison import (
    SCRIPTS_REFERENCE,
    end_to_end_measures,
    like_the_reference,
    seconds_in_scripts_stages,
)
from perf.stage_tables import stage_table
from tests.perf.hand_made import SUMMARY, jobs_and_caches


def test_only_the_reference_size_and_layout_compare_with_the_scripts():
    videos = pd.DataFrame({"frame_count": [1000, 1000, 1000], "excluded": ["", "", ""]})
    assert like_the_reference(videos, "sammlv")
    assert not like_the_reference(videos, "casme2")
    assert not like_the_reference(videos.assign(frame_count=[1000, 1000, 999]), "sammlv")


def test_scripts_stages_sum_our_jobs():
    jobs, caches = jobs_and_caches()
    stages = stage_table(jobs, caches, SUMMARY, workers=2, training_threads=2)
    ours = seconds_in_scripts_stages(stages, SUMMARY)
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
