"""What a change plans: a comment edit nothing, a stage's version bump that stage onwards."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.workflow_runs import planned_jobs

pytestmark = pytest.mark.workflow

WORKFLOW = ("Snakefile", "rules", "workflow_scripts", "softnet", "schemas", "report", "profiles")


@pytest.fixture
def checkout(repo, tmp_path) -> Path:
    """A copy of the workflow and package, which the edits below change instead of the repo."""
    copy = tmp_path / "checkout"
    copy.mkdir()
    for name in WORKFLOW:
        source = repo / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    return copy


def dry_run(checkout: Path, workdir: Path) -> dict[str, int]:
    """The plan of `all` with the copy's Snakefile and package (PYTHONPATH first)."""
    command = [sys.executable, "-m", "snakemake", "-n", "all", "--cores", "2"]
    command += ["--snakefile", str(checkout / "Snakefile"), "--directory", str(workdir)]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    # From the copy: `python -m` puts the working folder first on the import path.
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=checkout)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return planned_jobs(result)


def test_comment_edits_in_the_package_and_scripts_plan_nothing(checkout, demo_run):
    for path in [
        *sorted((checkout / "softnet").glob("*.py")),
        checkout / "workflow_scripts" / "optical_flow.py",
    ]:
        path.write_text(path.read_text() + "\n# an edited comment\n")
    assert dry_run(checkout, demo_run) == {}


def test_a_flow_version_bump_reruns_flow_and_what_follows_but_no_face(checkout, demo_run):
    versions = checkout / "softnet" / "versions.py"
    versions.write_text(versions.read_text().replace('"flow": 1,', '"flow": 2,'))
    plan = dry_run(checkout, demo_run)
    assert plan["optical_flow"] == plan["roi_stacks"] == 4  # 2 videos x 2 k
    assert {"train_fold", "score_folds", "spot_intervals", "evaluate", "paper_table"} <= set(plan)
    assert not {"make_demo", "index_dataset", "face_crops"} & set(plan)


def test_a_spotting_version_bump_reruns_spotting_onwards_only(checkout, demo_run):
    versions = checkout / "softnet" / "versions.py"
    versions.write_text(versions.read_text().replace('"spotting": 1,', '"spotting": 2,'))
    plan = dry_run(checkout, demo_run)
    assert plan["spot_intervals"] == 2
    assert not {"optical_flow", "roi_stacks", "train_fold", "score_folds"} & set(plan)
