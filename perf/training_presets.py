"""Training settings compared on a finished run: LOSO F1 and the training logs' samples per second.

    python -m perf.training_presets --run DIR --dataset NAME --seeds 1 2 3 4 5 \
        --variant faithful=12:0.0005 --variant b96=96:0.004

Each variant (batch size and learning rate) and seed trains every fold again in a copy of DIR
(its results hard-linked, so the face, flow and ROI caches are reused, not recomputed) and is
scored and evaluated there; the table gives per variant and type the F1's mean, min and max
over the seeds and the samples per second of its training logs, all measured in this one run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import yaml

from perf.runs import snakemake
from perf.stage_tables import training_totals
from softnet.datasets.kinds import EXPRESSION_TYPES
from softnet.evaluation import Counts, counts_row


def parse_variant(text: str) -> tuple[str, int, float]:
    """'name=batch:learning_rate' -> (name, batch, learning rate)."""
    name, _, setting = text.partition("=")
    batch, _, rate = setting.partition(":")
    if not (name and batch.isdigit() and rate):
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=BATCH:LEARNING_RATE")
    return name, int(batch), float(rate)


def copy_run(run: Path, copy: Path) -> None:
    """`run`'s config, results (hard links) and Snakemake's records of them, in `copy`."""
    if copy.exists():
        shutil.rmtree(copy)
    copy.mkdir(parents=True)
    subprocess.run(["cp", "-al", str(run / "results"), str(copy / "results")], check=True)
    (copy / ".snakemake").mkdir()
    metadata = [str(run / ".snakemake" / "metadata"), str(copy / ".snakemake" / "metadata")]
    subprocess.run(["cp", "-a", *metadata], check=True)


def trained(copy: Path, dataset: str, kinds: list[str]) -> list[dict]:
    """Per type, then both pooled ('overall', as the paper's table): the LOSO counts and F1 of
    the labelled videos, and the training logs' samples and seconds."""
    counts, totals = {}, {}
    for kind in kinds:
        path = copy / "results" / dataset / kind / "evaluation" / "metrics.json"
        labelled = json.loads(path.read_text())["scopes"]["labelled"]
        counts[kind] = Counts(labelled["TP"], labelled["FP"], labelled["FN"])
        totals[kind] = training_totals(copy / "logs" / dataset / kind / "train_fold")
    if len(kinds) > 1:
        counts["overall"] = sum(counts.values(), Counts())
        totals["overall"] = tuple(map(sum, zip(*totals.values(), strict=True)))
    return [
        {
            "type": kind,
            **counts_row(c),
            "F1": c.f1,
            "samples": totals[kind][0],
            "seconds": totals[kind][1],
        }
        for kind, c in counts.items()
    ]


def compare(
    run: Path, dataset: str, variants: list[tuple[str, int, float]], seeds: list[int], cores: int
) -> pd.DataFrame:
    """One row per variant, seed and type, each trained in its own copy of `run`."""
    config = yaml.safe_load((run / "config.yaml").read_text())
    entry = next(d for d in config["datasets"] if d["name"] == dataset)
    kinds = [k for k in EXPRESSION_TYPES if k in entry.get("expression_types", EXPRESSION_TYPES)]
    targets = [f"results/{dataset}/{kind}/evaluation/metrics.json" for kind in kinds]
    rows = []
    for name, batch, rate in variants:
        for seed in seeds:
            copy = run.parent / f"{run.name}.{name}-seed{seed}"
            copy_run(run, copy)
            training = {**config.get("training", {}), "batch_size": batch}
            training.update(learning_rate=rate, seed=seed)
            (copy / "config.yaml").write_text(yaml.safe_dump({**config, "training": training}))
            print(f"{name} (batch {batch}, learning rate {rate}), seed {seed}", flush=True)
            # every fold trains again, also where the settings are the run's own
            wall = snakemake(copy, cores, *targets, "--forcerun", "train_fold")
            setting = {"variant": name, "batch": batch, "learning_rate": rate, "seed": seed}
            rows += [{**setting, "wall_s": wall, **row} for row in trained(copy, dataset, kinds)]
            shutil.rmtree(copy)
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per variant and type: F1 mean, min and max over the seeds; samples per second."""
    grouped = table.groupby(["variant", "batch", "learning_rate", "type"], sort=False)
    out = grouped.agg(
        seeds=("seed", "nunique"),
        F1_mean=("F1", "mean"),
        F1_min=("F1", "min"),
        F1_max=("F1", "max"),
        samples=("samples", "sum"),
        seconds=("seconds", "sum"),
    ).reset_index()
    out["samples_per_s"] = out["samples"] / out["seconds"]
    return out.drop(columns=["samples", "seconds"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=Path, required=True, help="a finished workflow folder")
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--variant", type=parse_variant, action="append", required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--output", type=Path, required=True, help="CSV of every run")
    args = parser.parse_args(argv)
    table = compare(args.run.resolve(), args.dataset, args.variant, args.seeds, args.cores)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.output, index=False)
    print(summary(table).to_markdown(index=False, floatfmt=".4g"))


if __name__ == "__main__":
    main()
