"""Training settings compared on a finished run: LOSO F1 and the training logs' samples per second.

    python -m perf.training_presets --run DIR --dataset NAME --seeds 1 2 3 4 5 \
        --variant faithful=12:0.0005 --variant b96=96:0.004 --variant xla=12:0.0005:xla

Each variant (batch size, learning rate, and `:xla` for `training.xla`) and seed trains every
fold again in a copy of DIR (its results hard-linked, so the face, flow and ROI caches are
reused, not recomputed) and is scored and evaluated there; the table gives per variant and type
the F1's mean, min and max over the seeds, the samples per second of its training logs, all
measured in this one run, and how far its models' weights are from the first variant's.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import yaml

from perf.runs import snakemake
from perf.stage_tables import training_totals
from softnet.datasets.kinds import EXPRESSION_TYPES
from softnet.evaluation import Counts, counts_row


@dataclass(frozen=True)
class Variant:
    """Training settings to compare: a name, batch size, learning rate, XLA steps or not."""

    name: str
    batch: int
    learning_rate: float
    xla: bool = False


def parse_variant(text: str) -> Variant:
    """'name=batch:learning_rate' or 'name=batch:learning_rate:xla' -> the variant."""
    name, _, setting = text.partition("=")
    batch, _, rest = setting.partition(":")
    rate, _, flag = rest.partition(":")
    if not (name and batch.isdigit() and rate) or flag not in ("", "xla"):
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=BATCH:LEARNING_RATE[:xla]")
    return Variant(name, int(batch), float(rate), flag == "xla")


def model_weights(folder: Path) -> dict[str, list[np.ndarray]]:
    """Every model's weight arrays under `folder` (<type>/models/<subject>.keras), read from
    the .keras archives without Keras, by model."""
    models = {}
    for path in sorted(folder.glob("*/models/*.keras")):
        with zipfile.ZipFile(path) as archive:
            models[f"{path.parent.parent.name}/{path.stem}"] = _arrays(
                archive.read("model.weights.h5")
            )
    return models


def _arrays(weights_h5: bytes) -> list[np.ndarray]:
    """The datasets of an HDF5 file held in memory, in the file's order."""
    arrays: list[np.ndarray] = []

    def keep(_: str, item: h5py.HLObject) -> None:
        if isinstance(item, h5py.Dataset):
            arrays.append(item[()])

    with h5py.File(io.BytesIO(weights_h5), "r") as handle:
        handle.visititems(keep)
    return arrays


def weight_drift(ours: dict[str, list[np.ndarray]], theirs: dict[str, list[np.ndarray]]) -> float:
    """The largest difference of one weight between the same models of two variants."""
    return max(
        float(np.abs(a - b).max())
        for model, arrays in ours.items()
        for a, b in zip(arrays, theirs[model], strict=True)
    )


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
    run: Path, dataset: str, variants: list[Variant], seeds: list[int], cores: int
) -> pd.DataFrame:
    """One row per variant, seed and type, each trained in its own copy of `run`."""
    config = yaml.safe_load((run / "config.yaml").read_text())
    entry = next(d for d in config["datasets"] if d["name"] == dataset)
    kinds = [k for k in EXPRESSION_TYPES if k in entry.get("expression_types", EXPRESSION_TYPES)]
    targets = [f"results/{dataset}/{kind}/evaluation/metrics.json" for kind in kinds]
    rows = []
    first_models: dict[int, dict[str, list[np.ndarray]]] = {}
    for variant in variants:
        for seed in seeds:
            copy = run.parent / f"{run.name}.{variant.name}-seed{seed}"
            copy_run(run, copy)
            training = {**config.get("training", {}), "batch_size": variant.batch}
            training.update(learning_rate=variant.learning_rate, seed=seed, xla=variant.xla)
            (copy / "config.yaml").write_text(yaml.safe_dump({**config, "training": training}))
            print(f"{variant}, seed {seed}", flush=True)
            # every fold trains again, also where the settings are the run's own
            wall = snakemake(copy, cores, *targets, "--forcerun", "train_fold")
            models = model_weights(copy / "results" / dataset)
            drift = weight_drift(models, first_models[seed]) if seed in first_models else np.nan
            first_models.setdefault(seed, models)
            setting = {
                "variant": variant.name,
                "batch": variant.batch,
                "learning_rate": variant.learning_rate,
                "xla": variant.xla,
                "seed": seed,
                "max_weight_drift": drift,
            }
            rows += [{**setting, "wall_s": wall, **row} for row in trained(copy, dataset, kinds)]
            shutil.rmtree(copy)
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per variant and type: F1 mean, min and max over the seeds; samples per second; the
    largest weight difference from the first variant's models of the same seed."""
    grouped = table.groupby(["variant", "batch", "learning_rate", "xla", "type"], sort=False)
    out = grouped.agg(
        seeds=("seed", "nunique"),
        max_weight_drift=("max_weight_drift", "max"),
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
