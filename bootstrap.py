"""Set up the project's virtual environment and run the demo workflow or the tests.

    python3 bootstrap.py demo [snakemake options]   # snakemake --cores <all> all, on the demo
    python3 bootstrap.py test [pytest options]      # the test suite

Needs only Python >= 3.11 with venv and pip. The environment (.venv) is created on the first
call and reinstalled only when pyproject.toml changes, so repeated calls start at once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
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


def command_line(task: str, options: list[str]) -> list[str]:
    if task == "demo":
        cores = [] if any(o.startswith(("--cores", "-c")) for o in options) else ["--cores", "all"]
        return [str(PYTHON), "-m", "snakemake", *cores, *options, "all"]
    if task == "test":
        return [str(PYTHON), "-m", "pytest", *options]
    raise SystemExit(f"unknown task {task!r}: use `demo` or `test`")


def main(argv: list[str]) -> int:
    task, options = (argv[0], argv[1:]) if argv else ("demo", [])
    command = command_line(task, options)
    ensure_environment()
    os.chdir(ROOT)
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
