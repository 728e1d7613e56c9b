"""The CSV and Markdown report hold every number, on hand-made records."""

from __future__ import annotations

from perf.extrapolation import extrapolate
from perf.report import long_table, markdown
from perf.stage_tables import stage_table
from perf.targets import targets
from tests.perf.hand_made import SUMMARY, jobs_and_caches


def test_tables_hold_every_number():
    jobs, caches = jobs_and_caches()
    stages = stage_table(jobs, caches, SUMMARY, workers=2, training_threads=2)
    measures = targets(1.01, 1.97, 2, 0.55)
    extra = extrapolate(stages, {}, 2, 10)
    text = markdown("Benchmark of toy", stages, measures, extra)
    assert "| flow | micro | 5 | 2 | 40 | 1 s/pair | 2 s/pair | 350 | 2,000 |" in text
    assert "| flow stage / bare TV-L1, same cores |  | 1.01 x | <= 1.05 | met |" in text
    assert (
        "| end to end / the published scripts re-enacted |  | 0.55 x | <= 0.5 | not met |" in text
    )
    assert "| CAS(ME)^2 | micro (k = 6) | 80,000 |" in text
    table = long_table(stages, measures, extra)
    row = table[(table["item"] == "flow seconds_per_unit")].iloc[0]
    assert (row["value"], row["unit"], row["k"]) == (1.0, "s/pair", 5)
    assert table[table["section"] == "targets"]["met"].tolist() == [True, True, False]
