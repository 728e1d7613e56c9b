"""Each stage's numbers on the tiny demo, pinned to its algorithm version.

Stages rerun only when their version (softnet/versions.py) changes, so a change of numbers
without a bump would leave stale results in every user's cache. After a deliberate change,
bump the stage and record the new fingerprints:
    SOFTNET_UPDATE_GOLDEN=1 python3 bootstrap.py test tests/workflow/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import h5py
import numpy as np
import pandas as pd
import pytest

from softnet.versions import STAGE_VERSIONS

pytestmark = pytest.mark.workflow

GOLDEN = Path(__file__).with_name("golden_fingerprints.json")
#: Relative tolerance of float fingerprints: float order may differ between BLAS builds.
RTOL = {"flow": 1e-5, "roi": 1e-5, "training": 1e-4, "scores": 1e-4}


def array_summary(arrays: list[np.ndarray]) -> list[float]:
    """Sum, sum of squares and a position-weighted sum: an order-sensitive fingerprint."""
    values = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
    weights = np.linspace(1.0, 2.0, values.size)
    return [float(values.sum()), float((values**2).sum()), float((values * weights).sum())]


def h5_summary(files: list[Path], dataset: str) -> list[float]:
    arrays = []
    for path in files:
        with h5py.File(path, "r") as handle:
            arrays.append(handle[dataset][()])
    return array_summary(arrays)


def csv_rows(path: Path, columns: list[str]) -> list[list]:
    return pd.read_csv(path)[columns].round(6).astype(str).to_numpy().tolist()


def fingerprints(workdir: Path) -> dict[str, object]:
    results = workdir / "results" / "demo"
    frames = sorted((workdir / "resources" / "demo" / "CASME_sq" / "rawpic").rglob("*.jpg"))
    types = ("micro", "macro")
    return {
        "demo": array_summary([cv2.imread(str(p)) for p in frames]),
        "index": json.loads((results / "index" / "summary.json").read_text()),
        "face": h5_summary(sorted(results.glob("faces/*/*.h5")), "crops")
        + h5_summary(sorted(results.glob("faces/*/*.h5")), "landmarks"),
        "flow": h5_summary(sorted(results.glob("flow/*/*/*.h5")), "flow"),
        "roi": h5_summary(sorted(results.glob("roi/*/*/*.h5")), "roi"),
        "training": array_summary(
            [
                pd.read_csv(p)["loss"]
                for p in sorted(results.glob("*/models/*.history.csv"))
                if p.name != "final.history.csv"  # made by later tests only
            ]
        ),
        "scores": array_summary(
            [
                pd.read_csv(p)["score"]
                for t in types
                for p in sorted(results.glob(f"{t}/scores/*/*.csv"))
            ]
        ),
        "spotting": {
            t: csv_rows(
                results / t / "spotting" / "intervals.csv", ["video", "q", "onset", "offset"]
            )
            for t in types
        },
        "evaluation": {
            t: json.loads((results / t / "evaluation" / "metrics.json").read_text())["scopes"]
            for t in types
        },
        "reports": csv_rows(
            results / "report" / "paper_table.csv", ["expression", "TP", "FP", "FN", "F1"]
        ),
    }


def same(stage: str, found: object, expected: object) -> bool:
    if stage in RTOL:
        return np.allclose(found, expected, rtol=RTOL[stage], atol=0)
    return json.loads(json.dumps(found)) == expected


def test_every_stage_gives_its_recorded_numbers_or_has_a_new_version(demo_run):
    found = fingerprints(demo_run)
    if os.environ.get("SOFTNET_UPDATE_GOLDEN"):
        record = {s: {"version": STAGE_VERSIONS[s], "fingerprint": f} for s, f in found.items()}
        GOLDEN.write_text(json.dumps(record, indent=1) + "\n")
    golden = json.loads(GOLDEN.read_text())
    assert set(golden) == set(found) <= set(STAGE_VERSIONS)
    problems = []
    for stage, record in golden.items():
        if record["version"] != STAGE_VERSIONS[stage]:
            problems.append(
                f"{stage}: version {STAGE_VERSIONS[stage]}, golden recorded with "
                f"{record['version']}: record the new numbers (SOFTNET_UPDATE_GOLDEN=1)"
            )
        elif not same(stage, found[stage], record["fingerprint"]):
            problems.append(
                f"{stage}: numbers changed under version {record['version']}: bump "
                f"STAGE_VERSIONS[{stage!r}] in softnet/versions.py, or undo the change"
            )
    assert not problems, "\n".join(problems)
