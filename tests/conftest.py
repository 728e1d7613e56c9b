from pathlib import Path

import pytest

import softnet  # noqa: F401  registers the caches' HDF5 filters for tests that read them
from tests.helpers.workflow_runs import TINY, WEIGHTS, snakemake, write_config

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_run(repo, tmp_path_factory) -> Path:
    """A complete local run of the workflow on the tiny demo, shared by the tests that read it."""
    workdir = tmp_path_factory.mktemp("workflow")
    write_config(workdir, TINY)
    result = snakemake(repo, workdir, "all")
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir


@pytest.fixture(scope="session")
def published_weights() -> Path:
    """The published weight fixtures; tests that need them skip, saying where, without them."""
    if not WEIGHTS.is_dir():
        pytest.skip(f"published SOFTNet weight fixtures not found at {WEIGHTS}")
    return WEIGHTS
