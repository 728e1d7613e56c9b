"""Set up the project's virtual environment and run the demo workflow or the tests.

    python3 bootstrap.py demo [snakemake options]   # snakemake --cores <all> all, on the demo
    python3 bootstrap.py test [pytest options]      # the test suite
    python3 bootstrap.py spot VIDEO... [--model M] [--weights DIR] [--fps N] [--strict]
          [--dry-run] [-- snakemake options]        # spot expressions in your own videos
    python3 bootstrap.py benchmark [options]        # time, memory and disk of every stage

Needs only Python >= 3.11 with venv and pip. The environment (.venv) is created on the first
call and reinstalled only when pyproject.toml changes, so repeated calls start at once.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed"


def ensure_environment() -> None:
    """Install the package with its test extras into .venv unless pyproject.toml is unchanged."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == digest and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    print("installing the package and its dependencies into .venv (a few minutes)", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(digest)


def snakemake_command(options: list[str], target: str) -> list[str]:
    cores = [] if any(o.startswith(("--cores", "-c")) for o in options) else ["--cores", "all"]
    # The target first: options such as --configfile take every word that follows them.
    return [str(PYTHON), "-m", "snakemake", target, *cores, *options]


@dataclass(frozen=True)
class Step:
    """A command to run, then what to print once it succeeded."""

    command: list[str]
    report: Callable[[], None] | None = None


def spot_steps(arguments: list[str]) -> list[Step]:
    """The plan, then `snakemake spot`, with the spot section written from the command line to
    a config file.

    The plan's target runs the light jobs only (the face stage and the index of the inputs)
    and is printed before any flow job; `--dry-run` stops there. The file
    (results/<name>/command.yaml) records what was asked; the same command again writes the
    same file, so Snakemake finds nothing to do.
    """
    parser = argparse.ArgumentParser(
        prog="bootstrap.py spot", description="Spot expressions in your own videos."
    )
    parser.add_argument("inputs", nargs="+", help="video files, frame folders, or folders of them")
    parser.add_argument(
        "--model",
        action="append",
        help="published-casme2 (default), published-sammlv, or a configured dataset's name "
        "(its final model); repeat to apply several",
    )
    parser.add_argument("--weights", help="the authors' SOFTNet_Weights folder")
    parser.add_argument("--fps", type=float, help="frame rate of the inputs (frame folders)")
    parser.add_argument("--name", default="spot", help="results/<name>/ holds the results")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first video that cannot be spotted (default: skip it, say why in "
        "summary.csv, and spot the others)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan only (runs the face stage and the index, no flow)",
    )
    split = arguments.index("--") if "--" in arguments else len(arguments)
    args, options = parser.parse_args(arguments[:split]), arguments[split + 1 :]
    spot = {
        "name": args.name,
        "inputs": [str(Path(p).resolve()) for p in args.inputs],
        "models": args.model or ["published-casme2"],
        "fps": args.fps,
        "strict": args.strict,
    }
    config = {"spot": spot}
    if args.weights:
        config["published_weights"] = str(Path(args.weights).resolve())
    results = ROOT / "results" / args.name
    path = results / "command.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(config, indent=2) + "\n"  # JSON is YAML
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    options = ["--configfile", str(path), *options]
    plan = results / "plan.txt"
    steps = [
        Step(
            snakemake_command(options, str(plan.relative_to(ROOT))),
            lambda: print(plan.read_text(), flush=True),
        )
    ]
    if not args.dry_run:
        summaries = [results / "applied" / model / "summary.csv" for model in spot["models"]]
        steps.append(Step(snakemake_command(options, "spot"), lambda: print_outcome(summaries)))
    return steps


def print_outcome(summaries: list[Path]) -> None:
    """Per model: the videos spotted, and each skipped one with its reason."""
    for path in summaries:
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        spotted = {(r["subject"], r["video"]) for r in rows if r["status"] == "spotted"}
        print(f"{rows[0]['model']}: {len(spotted)} video(s) spotted; results in {path.parent}")
        skipped: dict[tuple[str, str], list[str]] = {}
        for row in rows:
            if row["status"] != "spotted":
                key = (f"{row['subject']}/{row['video']}", row["reason"])
                skipped.setdefault(key, []).append(row["type"])
        for (name, reason), types in skipped.items():
            print(f"  skipped {name} ({', '.join(types)}): {reason}")


def command_steps(task: str, options: list[str]) -> list[Step]:
    if task == "demo":
        return [Step(snakemake_command(options, "all"))]
    if task == "test":
        return [Step([str(PYTHON), "-m", "pytest", *options])]
    if task == "spot":
        return spot_steps(options)
    if task == "benchmark":
        return [Step([str(PYTHON), "-m", "perf.benchmark", *options])]
    raise SystemExit(f"unknown task {task!r}: use `demo`, `spot`, `benchmark` or `test`")


def main(argv: list[str]) -> int:
    task, options = (argv[0], argv[1:]) if argv else ("demo", [])
    steps = command_steps(task, options)
    ensure_environment()
    os.chdir(ROOT)
    return run_steps(steps)


def run_steps(steps: list[Step]) -> int:
    """Each step's command, then its report; the first that fails stops with its exit code."""
    for step in steps:
        code = subprocess.run(step.command).returncode
        if code:
            return code
        if step.report:
            step.report()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
