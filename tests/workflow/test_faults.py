"""Faults: jobs killed half-way, a second snakemake in the same folder, a fold cut short.

Each test works on a copy of the tiny demo run with one output removed, so that only the job
under test runs, and compares what the rerun writes with the uninterrupted run's file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np
import psutil
import pytest

from softnet.model.network import load_checkpoint
from tests.helpers.workflow_runs import snakemake, snakemake_command

pytestmark = pytest.mark.workflow

LOCKED = "Directory cannot be locked"


def copy_without(demo_run: Path, workdir: Path, *removed: str) -> Path:
    """A copy of the complete demo run (times and Snakemake's records kept) lacking `removed`."""
    shutil.copytree(demo_run, workdir, symlinks=True)
    for path in removed:
        (workdir / path).unlink()
    return workdir


def first_flow_file(demo_run: Path) -> str:
    """The flow file of the first video at the micro k (the larger number of frame pairs)."""
    index = demo_run / "results" / "demo" / "index"
    k = json.loads((index / "summary.json").read_text())["micro"]["k"]
    video = sorted((demo_run / "results" / "demo" / "faces").glob("*/*.h5"))[0]
    return f"results/demo/flow/k{k}/{video.parent.name}/{video.name}"


def start(repo: Path, workdir: Path, *args: str) -> subprocess.Popen:
    """snakemake in the background, in its own process group (so that it can be killed)."""
    command = snakemake_command(repo, workdir, *args)
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for(condition: Callable[[], bool], what: str, run: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while not condition():
        if run.poll() is not None:
            pytest.fail(f"snakemake ended before {what}:\n{run.stdout.read().decode()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def job_processes(run: subprocess.Popen, script: str) -> list[psutil.Process]:
    """The process running a rule's `script` under this snakemake, and its children."""
    for process in psutil.Process(run.pid).children(recursive=True):
        if any(script in part for part in process.cmdline()):
            return [process, *process.children(recursive=True)]
    pytest.fail(f"no {script} job under snakemake {run.pid}")


def kill(run: subprocess.Popen, processes: list[psutil.Process] | None = None) -> None:
    """SIGKILL the given job processes, or the whole run (snakemake and its jobs)."""
    if processes is None:
        os.killpg(run.pid, signal.SIGKILL)
    else:
        for process in processes:
            process.kill()
    run.communicate(timeout=60)


def assert_same_contents(path: Path, reference: Path) -> None:
    """Same datasets with equal arrays and equal attributes, apart from the write time."""
    with h5py.File(path) as mine, h5py.File(reference) as theirs:
        assert set(mine) == set(theirs)
        for name in theirs:
            assert np.array_equal(mine[name][()], theirs[name][()]), name
        attributes = {key: value for key, value in mine.attrs.items() if key != "created"}
        expected = {key: value for key, value in theirs.attrs.items() if key != "created"}
        assert json.dumps(attributes, default=str) == json.dumps(expected, default=str)


def rerun(repo: Path, workdir: Path, target: str) -> None:
    result = snakemake(repo, workdir, target)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("killed", ["job", "snakemake and job"])
def test_a_flow_job_killed_half_way_is_redone_identically(repo, demo_run, tmp_path, killed):
    target = first_flow_file(demo_run)
    workdir = copy_without(demo_run, tmp_path / "run", target)
    partial = workdir / f"{target}.partial"
    half = (demo_run / target).stat().st_size / 2
    run = start(repo, workdir, target)
    wait_for(lambda: partial.exists() and partial.stat().st_size > half, "half the flow", run)
    kill(run, job_processes(run, "optical_flow.py") if killed == "job" else None)
    assert not (workdir / target).exists()

    if killed == "job":
        assert run.returncode != 0  # snakemake saw the job fail, and released its lock
    else:
        # snakemake died too: its lock stays, and the next run refuses until --unlock.
        refused = snakemake(repo, workdir, target)
        assert refused.returncode != 0 and LOCKED in refused.stdout + refused.stderr
        assert "--unlock" in refused.stdout + refused.stderr
        assert snakemake(repo, workdir, "--unlock").returncode == 0
    rerun(repo, workdir, target)
    assert_same_contents(workdir / target, demo_run / target)
    assert not partial.exists()


def test_a_second_snakemake_in_the_same_folder_refuses_and_changes_nothing(
    repo, demo_run, tmp_path
):
    target = first_flow_file(demo_run)
    workdir = copy_without(demo_run, tmp_path / "run", target)
    run = start(repo, workdir, target)
    wait_for(lambda: (workdir / f"{target}.partial").exists(), "the flow job", run)
    before = {p: p.stat().st_mtime_ns for p in (workdir / "results").rglob("*") if p.is_file()}

    second = snakemake(repo, workdir, "all")
    assert second.returncode != 0 and LOCKED in second.stdout + second.stderr

    output, _ = run.communicate(timeout=300)
    assert run.returncode == 0, output.decode()[-3000:]
    after = {p: p.stat().st_mtime_ns for p in (workdir / "results").rglob("*") if p.is_file()}
    partial = workdir / f"{target}.partial"
    assert {p: t for p, t in after.items() if p != workdir / target} == {
        p: t for p, t in before.items() if p != partial
    }
    assert_same_contents(workdir / target, demo_run / target)


def test_a_training_job_killed_mid_fold_leaves_no_model_a_rerun_trusts(repo, demo_run, tmp_path):
    models = "results/demo/micro/models"
    subject = sorted(p.stem for p in (demo_run / models).glob("s*.keras"))[0]
    model, history = f"{models}/{subject}.keras", f"{models}/{subject}.history.csv"
    workdir = copy_without(demo_run, tmp_path / "run", model, history)
    log = workdir / "logs" / "demo" / "micro" / "train_fold" / f"{subject}.log"
    log.unlink()
    run = start(repo, workdir, model)
    wait_for(lambda: log.exists() and "epoch 1/" in log.read_text(), "the first epoch", run)
    kill(run)
    assert not (workdir / model).exists() and not (workdir / history).exists()
    assert not list((workdir / models).glob("*partial*"))

    # Even a model file at its final path, as a job cut off between saving the model and
    # writing its history would leave, is not trusted: Snakemake marked the job incomplete,
    # and the default profile's rerun-incomplete trains the fold again.
    (workdir / model).write_bytes(b"cut off")
    assert snakemake(repo, workdir, "--unlock").returncode == 0
    rerun(repo, workdir, model)
    assert load_checkpoint(workdir / model).count_params() > 0
    assert len((workdir / history).read_text().splitlines()) == 1 + 10  # header, 10 epochs
