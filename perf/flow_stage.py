"""The run's flow stage against bare TV-L1 on the same pairs and workers, and its throughput
with one worker and with all cores."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from perf.flow_engines import bare_tvl1, pair_features, pool_seconds
from perf.measures import Measure
from perf.runs import Run
from softnet.flow.tvl1 import TVL1Params


def flow_measures(
    run: Run, stages: pd.DataFrame, caches: pd.DataFrame, args: argparse.Namespace
) -> tuple[list[Measure], float, float]:
    """The flow stage against bare TV-L1 on the same pairs and workers, and its throughput with
    1 worker and all cores. Returns the measures, the ratio to bare TV-L1 and the speed-up."""
    params = TVL1Params.from_config(run.config["flow"]["tvl1"])
    flows = caches[caches["stage"] == "flow"]
    jobs = stages[stages["stage"] == "flow"]
    stage_per_pair = jobs["job_seconds"].sum() / jobs["units"].sum()

    def faces(row) -> Path:
        return run.results / "faces" / row.subject / f"{row.video}.h5"

    print(f"timing bare TV-L1 on {run.workers} workers", flush=True)
    bare_seconds = bare_pairs = 0
    for row in flows.itertuples():
        count = min(row.frames, args.bare_pairs or row.frames)
        bare_seconds += pool_seconds(faces(row), int(row.k), params, run.workers, bare_tvl1, count)
        bare_pairs += count
    bare_per_pair = bare_seconds / bare_pairs
    workers = f"{run.workers} workers"
    measures = [
        Measure("flow", f"flow stage, time per pair ({workers})", stage_per_pair * 1000, "ms"),
        Measure(
            "flow",
            f"bare DualTVL1OpticalFlow.calc, time per pair ({workers})",
            bare_per_pair * 1000,
            "ms",
            detail=(
                "the same pairs"
                if bare_pairs == flows["frames"].sum()
                else f"{bare_pairs} of the stage's {flows['frames'].sum()} pairs"
            ),
        ),
    ]
    if run.config["flow"]["engine"] != "opencv":
        measures[-1].detail += "; the flow stage ran the tensorflow engine"

    first = next(flows.itertuples())
    count = min(int(first.frames), args.sample_pairs)
    print(f"timing the flow stage on {count} pairs with 1 and {run.cores} workers", flush=True)
    rates = {
        n: count / pool_seconds(faces(first), int(first.k), params, n, pair_features, count)
        for n in (1, run.cores)
    }
    measures += [
        Measure(
            "flow",
            "flow throughput, 1 worker",
            rates[1],
            "pairs/s",
            detail=f"{count} pairs of {first.video}, k = {int(first.k)}",
        ),
        Measure("flow", f"flow throughput, {run.cores} workers", rates[run.cores], "pairs/s"),
    ]
    return measures, stage_per_pair / bare_per_pair, rates[run.cores] / rates[1]
