import sys
from pathlib import Path

import pytest

import softnet  # noqa: F401  registers the caches' HDF5 filters for tests that read them

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # the tests' own helpers


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_run(repo, tmp_path_factory) -> Path:
    """A complete local run of the workflow on the tiny demo, shared by the tests that read it."""
    from workflow_runs import TINY, snakemake, write_config

    workdir = tmp_path_factory.mktemp("workflow")
    write_config(workdir, TINY)
    result = snakemake(repo, workdir, "all")
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir


@pytest.fixture(scope="session")
def published_weights() -> Path:
    """The published weight fixtures; tests that need them skip, saying where, without them."""
    from workflow_runs import WEIGHTS

    if not WEIGHTS.is_dir():
        pytest.skip(f"published SOFTNet weight fixtures not found at {WEIGHTS}")
    return WEIGHTS
