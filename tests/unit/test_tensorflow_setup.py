"""TensorFlow as the jobs start it: oneDNN kernels on every CPU, whichever module a job imports
first, and the device line that says so (tests/perf/test_loading.py checks Eigen's under
TF_ENABLE_ONEDNN_OPTS=0)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

DEVICE = "from softnet.tensorflow_setup import tensorflow_device; print(tensorflow_device())"


def device_of(first_import: str) -> str:
    """The device line of a fresh process that imports `first_import` first, started without
    TF_ENABLE_ONEDNN_OPTS."""
    environment = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    done = subprocess.run(
        [sys.executable, "-c", f"import {first_import}\n{DEVICE}"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("first_import", ["softnet.model.training", "perf.loading"])
def test_jobs_and_measurements_run_tensorflow_on_its_onednn_kernels(first_import):
    assert device_of(first_import) == "CPU (all cores, oneDNN kernels)"
