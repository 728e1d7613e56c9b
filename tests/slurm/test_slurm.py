"""The workflow on a real one-node SLURM cluster with the project's SLURM profile.

Root on Debian only (it installs slurm-wlm and munge and starts their daemons); elsewhere
the tests skip and say why.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from tests.helpers.slurm_cluster import Cluster, unavailable_reason
from tests.helpers.workflow_runs import TINY, planned_jobs, snakemake, write_config

pytestmark = pytest.mark.slurm

# The CI machine has 2 CPUs: the profile's requests scaled to it, its partition named "ci",
# one video per bundle (a failure stops the rest of its bundle, and the failure test wants
# the other video to go on), and job status from squeue (there is no slurmdbd for sacct).
CI_OVERRIDES = [
    "--jobs",
    "4",
    "--cores",
    "2",
    "--group-components",
    "video_features=1",
    "--default-resources",
    "slurm_partition=ci",
    "mem_mb=1000",
    "runtime=30",
    "--set-resources",
    "train_fold:slurm_partition=ci",
    "--set-threads",
    "optical_flow=2",
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "1",
]
# Macro-expressions only: half the flow, ROI, training and scoring jobs of the tiny demo, and
# still every kind of cluster job (the suite's slowest tests are these, with SLURM's polling).
MACRO_ONLY = {
    **TINY,
    "datasets": [{"name": "demo", "kind": "demo", "expression_types": ["macro"]}],
}
# Rules whose jobs must run as SLURM jobs (the others are local rules by design).
CLUSTER_RULE_LOGS = [
    "make_demo.log",
    "faces/*/*.log",
    "flow/k*/*/*.log",
    "roi/k*/*/*.log",
    "*/train_fold/*.log",
    "*/score_folds.log",
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 6817)) == 0:
            pytest.skip("a slurmctld already listens on port 6817 of this machine")
    started = Cluster(tmp_path_factory.mktemp("slurm"))
    try:
        started.start()
        yield started
    finally:
        started.stop()


def on_slurm(repo: Path, workdir: Path, *args: str) -> subprocess.CompletedProcess:
    profile = ["--workflow-profile", str(repo / "profiles" / "slurm")]
    return snakemake(repo, workdir, *profile, *CI_OVERRIDES, *args, cores=False)


def cluster_job_logs(workdir: Path) -> dict[str, str]:
    logs = workdir / "logs" / "demo"
    return {
        str(path.relative_to(logs)): path.read_text()
        for pattern in CLUSTER_RULE_LOGS
        for path in logs.glob(pattern)
    }


def test_a_slurm_run_submits_every_job_and_equals_a_local_run(repo, cluster, demo_run, tmp_path):
    write_config(tmp_path, MACRO_ONLY)
    result = on_slurm(repo, tmp_path, "all")
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    submitted = result.stdout.count("has been submitted with SLURM jobid") + result.stderr.count(
        "has been submitted with SLURM jobid"
    )
    assert submitted > 0

    # The local run did both types: each cluster job has its local twin, and each cluster rule
    # ran at least one job, under SLURM.
    on_cluster, local = cluster_job_logs(tmp_path), cluster_job_logs(demo_run)
    # make_demo, per video faces, flow and ROI at the macro k, 2 folds, 1 scoring job
    assert set(on_cluster) <= set(local) and len(on_cluster) == 1 + 2 * 3 + 2 + 1
    for pattern in CLUSTER_RULE_LOGS:
        assert any(Path(name).match(pattern) for name in on_cluster), pattern
    for name, text in on_cluster.items():
        assert "running on SLURM job" in text, f"{name} did not run under SLURM"
    assert not any("running on SLURM job" in text for text in local.values())

    compared = 0
    for path in (tmp_path / "results").rglob("*"):
        twin = demo_run / path.relative_to(tmp_path)
        if path.suffix == ".h5":
            with h5py.File(path) as a, h5py.File(twin) as b:
                for name in a:
                    assert np.array_equal(a[name][()], b[name][()]), f"{path}: {name}"
            compared += 1
        elif path.suffix in (".csv", ".json") and "report" not in path.parts:
            assert path.read_text() == twin.read_text(), path  # the paper table has one type
            compared += 1
    assert compared >= 15


def test_a_failed_job_is_reported_and_a_rerun_runs_only_what_is_missing(repo, cluster, tmp_path):
    write_config(tmp_path, MACRO_ONLY)
    made = snakemake(repo, tmp_path, "resources/demo/CASME_sq/CAS(ME)^2code_final.xlsx")
    assert made.returncode == 0, made.stderr[-3000:]
    frame = next((tmp_path / "resources/demo/CASME_sq/rawpic/s16").glob("*/img010.jpg"))
    intact = frame.read_bytes()
    frame.write_bytes(b"not a JPEG")

    failed = on_slurm(repo, tmp_path, "all_roi_stacks")
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "Error in rule face_crops" in output
    assert "cannot read frame" in output and "img010.jpg" in output  # the rule log, shown
    # the other video went through all its stages, and its files are whole
    rois = sorted((tmp_path / "results/demo/roi").rglob("*.h5"))
    assert rois and all(path.parent.name == "s15" for path in rois)
    for path in rois:
        with h5py.File(path) as handle:
            assert handle["roi"].shape[1:] == (42, 42, 3)
    assert not list((tmp_path / "results").rglob("*.partial"))

    frame.write_bytes(intact)
    plan = planned_jobs(snakemake(repo, tmp_path, "-n", "all_roi_stacks"))
    assert plan == {"face_crops": 1, "optical_flow": 1, "roi_stacks": 1, "all_roi_stacks": 1}
    rerun = on_slurm(repo, tmp_path, "all_roi_stacks")
    assert rerun.returncode == 0, (rerun.stdout + rerun.stderr)[-6000:]
    index = pd.read_csv(tmp_path / "results/demo/index/videos.csv")
    assert len(list((tmp_path / "results/demo/roi").rglob("*.h5"))) == len(index)
