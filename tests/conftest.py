import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # the tests' own helpers (releases.py)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
