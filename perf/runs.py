"""The workflow runs the benchmark reads: made and timed here, or finished elsewhere."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from softnet.datasets.index import load_videos
from softnet.datasets.kinds import RELEASE_FOLDERS
from softnet.flow.engine_choice import flow_job_threads

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "schemas" / "config.schema.yaml"


@dataclass
class Run:
    """A finished workflow run to read: its folder, config, dataset and, if timed, wall time."""

    workdir: Path
    config: dict
    dataset: str
    cores: int
    wall_seconds: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return next(d["kind"] for d in self.config["datasets"] if d["name"] == self.dataset)

    @property
    def results(self) -> Path:
        return self.workdir / "results" / self.dataset

    @property
    def workers(self) -> int:
        """Threads (OpenCV workers) of each flow job, as the flow rule gives them locally."""
        videos = len(load_videos(self.results / "index" / "videos.csv"))
        return flow_job_threads(int(self.config["flow"]["threads"]), self.cores, videos)

    @property
    def training_threads(self) -> int:
        return min(int(self.config["training"]["threads"]), self.cores)


def validated(config: dict) -> dict:
    """The config with the schema's defaults filled in, as the workflow sees it."""
    from snakemake.utils import validate

    validate(config, str(SCHEMA))
    return config


def snakemake(workdir: Path, cores: int, *targets: str) -> float:
    """Run the workflow in `workdir`; its wall seconds. Its output goes to snakemake.log there."""
    if not (REPO / "Snakefile").is_file():
        raise SystemExit(f"{REPO} holds no Snakefile: run the benchmark from a checkout")
    command = [sys.executable, "-m", "snakemake", *targets, "--snakefile", str(REPO / "Snakefile")]
    command += ["--directory", str(workdir), "--cores", str(cores)]
    log = workdir / "snakemake.log"
    start = time.perf_counter()
    with open(log, "w") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if done.returncode:
        tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
        raise SystemExit(f"snakemake failed in {workdir} (full output: {log}):\n{tail}")
    return seconds


def synthetic_run(args: argparse.Namespace, workdir: Path) -> Run:
    """Make the synthetic set (not timed), then time `snakemake all` on it from its frames."""
    from softnet.datasets.demo import make_demo

    root = workdir / "data" / RELEASE_FOLDERS[args.layout]
    print(f"making the {args.layout}-layout demo set in {root}", flush=True)
    make_demo(root, subjects=args.subjects, frames=args.frames, seed=args.seed, layout=args.layout)
    name = "demo" if args.layout == "casme2" else "demo_samm"
    config = {
        "datasets": [{"name": name, "kind": args.layout, "root": str(root)}],
        "flow": {"threads": args.cores},
    }
    if args.training_threads:
        config["training"] = {"threads": args.training_threads}
    return timed_run(workdir, config, name, args.cores)


def configured_run(args: argparse.Namespace, workdir: Path) -> Run:
    """Time `snakemake all` on one dataset of a config file (paths relative to here resolved)."""
    config = yaml.safe_load(Path(args.configfile).read_text()) or {}
    chosen = [d for d in config.get("datasets", []) if d["name"] == args.dataset]
    if not chosen:
        names = [d["name"] for d in config.get("datasets", [])]
        raise SystemExit(f"{args.configfile}: no dataset named {args.dataset!r} (found {names})")
    for entry in chosen:
        if entry.get("root"):
            entry["root"] = str(Path(entry["root"]).resolve())
    config["datasets"] = chosen
    config.pop("cross_evaluation", None)
    for section, key in (("training", "pretrained"), (None, "published_weights")):
        holder = config.get(section, {}) if section else config
        if holder.get(key):
            holder[key] = str(Path(holder[key]).resolve())
    return timed_run(workdir, config, args.dataset, args.cores)


def timed_run(workdir: Path, config: dict, name: str, cores: int) -> Run:
    """`snakemake all` in `workdir`, timed end to end only if it starts from no results."""
    fresh = not (workdir / "results" / name).exists()
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    print(f"running snakemake all in {workdir} on {cores} cores", flush=True)
    seconds = snakemake(workdir, cores, "all")
    run = Run(workdir, validated(config), name, cores, seconds if fresh else None)
    if not fresh:
        run.notes.append(f"{workdir} held this dataset's results: end to end not measured")
    return run


def existing_run(args: argparse.Namespace) -> Run:
    """A finished run in --from-run: nothing is run, so there is no end-to-end time."""
    workdir = Path(args.from_run)
    config = validated(yaml.safe_load((workdir / "config.yaml").read_text()) or {})
    name = args.dataset or config["datasets"][0]["name"]
    return Run(workdir, config, name, args.cores, None, ["read from a finished run"])
