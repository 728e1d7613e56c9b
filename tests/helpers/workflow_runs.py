"""Running the workflow from the tests: a tiny demo config, snakemake calls and their plans."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

#: The authors' published weights (first folds), beside the checkout when shared/ is there.
WEIGHTS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "softnet_weights"

TINY = {
    "datasets": [{"name": "demo", "kind": "demo", "expression_types": ["micro", "macro"]}],
    "demo": {"subjects": 2, "frames": 80, "seed": 1},
    "flow": {"threads": 2},
}


def snakemake_command(
    repo: Path, workdir: Path, *args: str, cores: bool = True, timeout: int = 900
) -> list[str]:
    """snakemake on `workdir` with this checkout's Snakefile (so its default profile applies);
    SIGINT (which cancels cluster jobs) when it runs past `timeout` seconds."""
    command = ["timeout", "-s", "INT", "-k", "60", str(timeout), sys.executable, "-m", "snakemake"]
    command += ["--snakefile", str(repo / "Snakefile"), "--directory", str(workdir)]
    return [*command, *(["--cores", "2"] if cores else []), *args]


def snakemake(repo: Path, workdir: Path, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        snakemake_command(repo, workdir, *args, **options), capture_output=True, text=True
    )


def write_config(workdir: Path, config: dict) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))


def planned_jobs(result: subprocess.CompletedProcess) -> dict[str, int]:
    """Rule -> job count from the 'Job stats' table of a dry run."""
    lines = result.stdout.splitlines()
    if not any(line.startswith("Job stats") for line in lines):
        return {}
    start = next(i for i, line in enumerate(lines) if line.startswith("Job stats")) + 3
    counts = {}
    for line in lines[start:]:
        name, _, count = line.partition(" ")
        if name == "total" or not count.strip():
            break
        counts[name] = int(count)
    return counts


def planned_resources(result: subprocess.CompletedProcess, rule: str) -> list[str]:
    """The resources line of each job of `rule` in a dry run's printout (the first one after
    the job's header)."""
    jobs = result.stdout.split(f"rule {rule}:")[1:]
    return [job.split("resources:", 1)[1].split("\n", 1)[0] for job in jobs]
