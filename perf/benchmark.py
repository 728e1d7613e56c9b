"""Time, memory and disk of every stage, measured in one run on the machine at hand.

    python -m perf.benchmark                                  # the demo (4 x 200 frames)
    python -m perf.benchmark --layout sammlv                  # SAMM-LV layout, 3 x 1000 frames
    python -m perf.benchmark --configfile my.yaml --dataset casme2   # a configured dataset
    python -m perf.benchmark --from-run DIR                   # read a finished run
    python -m perf.benchmark --spot 10 60 300 --weights DIR   # spotting one clip of each length

Runs `snakemake all` from frames in a fresh working folder and times it, then reads what the
jobs recorded (Snakemake's benchmarks/*.tsv, the training logs, the cache files), times bare
TV-L1 on the same crops with the same number of single-thread workers, the flow stage's
throughput with 1 worker and with all cores, and TensorFlow's start-up, checks the targets,
and extrapolates to the real datasets. Writes <output>/<name>.csv (every number) and
<name>.md (the tables, also printed). With --spot it times `snakemake spot` on one synthetic
clip of each length instead (perf/spot_cost.py; <output>/spot.csv and spot.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from perf.extrapolation import extrapolate
from perf.flow_stage import flow_measures
from perf.measures import Measure
from perf.report import describe, long_table, markdown
from perf.runs import Run, configured_run, existing_run, synthetic_run
from perf.scripts_comparison import (
    SCRIPTS_REFERENCE,
    end_to_end_measures,
    like_the_reference,
    scripts_measures,
)
from perf.spot_cost import markdown as spot_markdown
from perf.spot_cost import spot_costs
from perf.stage_tables import cache_files, read_benchmarks, stage_table, training_rates
from perf.targets import targets
from perf.tensorflow_jobs import tensorflow_measures
from softnet.datasets.index import load_videos


def measure(run: Run, args: argparse.Namespace) -> tuple[pd.DataFrame, list[Measure], pd.DataFrame]:
    """Read the run and time what it compares with: the stage table, every measure with the
    targets, and the extrapolation to the real datasets."""
    summary = json.loads((run.results / "index" / "summary.json").read_text())
    videos = load_videos(run.results / "index" / "videos.csv")
    caches = cache_files(run.results)
    jobs = read_benchmarks(run.workdir / "benchmarks" / run.dataset)
    stages = stage_table(jobs, caches, summary, run.workers, run.training_threads)
    samples_per_s = training_rates(run.workdir / "logs" / run.dataset, summary)

    flow, flow_over_bare, speedup = flow_measures(run, stages, caches, args)
    tensorflow, training_s = tensorflow_measures(
        run, jobs, stages, samples_per_s, args.loader_steps
    )
    scripts, scripts_s = scripts_measures(
        run, stages, caches, videos, args.sample_pairs, training_s
    )
    comparable = like_the_reference(videos, run.kind)
    end_to_end = end_to_end_measures(run, stages, summary, comparable)
    ratio = None
    if run.wall_seconds is not None and scripts_s:
        ratio = run.wall_seconds / scripts_s
    measures = [
        *flow,
        *tensorflow,
        *scripts,
        *end_to_end,
        *targets(flow_over_bare, speedup, run.cores, ratio),
    ]
    epochs = int(run.config["training"]["epochs"])
    return stages, measures, extrapolate(stages, samples_per_s, run.training_threads, epochs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--layout",
        choices=["casme2", "sammlv"],
        default="casme2",
        help="the demo set's release layout (default casme2)",
    )
    parser.add_argument("--subjects", type=int, help="demo videos (default 4; sammlv 3)")
    parser.add_argument(
        "--frames", type=int, help="frames per demo video (default 200; sammlv 1000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--training-threads",
        type=int,
        help="training.threads of the demo sets' run (default: the config's default, 1)",
    )
    parser.add_argument(
        "--configfile", type=Path, help="benchmark a dataset of this config instead"
    )
    parser.add_argument("--dataset", help="the dataset of --configfile or --from-run")
    parser.add_argument("--from-run", type=Path, help="read this finished run; run nothing")
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="default: all")
    parser.add_argument("--workdir", type=Path, help="run here (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--bare-pairs", type=int, default=0, help="bare TV-L1 pairs per flow file (default all)"
    )
    parser.add_argument(
        "--sample-pairs",
        type=int,
        default=200,
        help="pairs of the throughput test and of the scripts' features; frames of their cropping",
    )
    parser.add_argument(
        "--loader-steps", type=int, default=100, help="training steps of the loader test"
    )
    parser.add_argument(
        "--spot", type=float, nargs="+", help="seconds of each clip to spot (instead of a run)"
    )
    parser.add_argument("--fps", type=float, default=30.0, help="frame rate of the --spot clips")
    parser.add_argument("--weights", type=Path, help="the authors' SOFTNet_Weights (--spot)")
    parser.add_argument("--name", help="output file name (default: the dataset's)")
    parser.add_argument("--output", type=Path, default=Path("results/benchmark"))
    args = parser.parse_args(argv)
    if args.configfile and not args.dataset:
        parser.error("--configfile needs --dataset")
    if args.spot:
        if not args.weights:
            parser.error("--spot needs --weights (the authors' SOFTNet_Weights folder)")
        table = spot_costs(args)
        args.output.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.output / "spot.csv", index=False)
        (args.output / "spot.md").write_text(spot_markdown(table) + "\n")
        print(spot_markdown(table))
        return
    large = args.layout == "sammlv"
    args.subjects = args.subjects or (SCRIPTS_REFERENCE.videos if large else 4)
    args.frames = args.frames or (SCRIPTS_REFERENCE.frames if large else 200)

    temporary = None
    if args.from_run:
        run = existing_run(args)
    else:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="softnet-benchmark-"))
        temporary = None if args.workdir or args.keep else workdir
        workdir.mkdir(parents=True, exist_ok=True)
        run = configured_run(args, workdir) if args.configfile else synthetic_run(args, workdir)
    try:
        stages, measures, extra = measure(run, args)
        text = markdown(describe(run), stages, measures, extra)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    name = args.name or run.dataset
    args.output.mkdir(parents=True, exist_ok=True)
    long_table(stages, measures, extra).to_csv(args.output / f"{name}.csv", index=False)
    (args.output / f"{name}.md").write_text(text)
    print(text)
    print(f"written: {args.output / f'{name}.csv'}, {args.output / f'{name}.md'}")


if __name__ == "__main__":
    main()
