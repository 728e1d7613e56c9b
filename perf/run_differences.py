"""Two finished runs of one dataset side by side: how far apart their models' weights and score
curves are, and whether their paper tables agree. For settings that move the numbers by float32
rounding only (threads, TensorFlow's kernels, a device):

    python -m perf.run_differences RUN_A RUN_B --dataset NAME
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from softnet.spotting import read_scores


class RunDifferences(NamedTuple):
    """How many models and score curves were compared, and their largest differences."""

    models: int
    max_weight: float
    score_files: int
    max_score: float
    same_paper_table: bool


def paired(first: Path, second: Path, pattern: str) -> list[tuple[Path, Path]]:
    """The files matching `pattern` under `first`, each with its namesake under `second`; an
    error names the first file that only one side has."""
    ours = sorted(p.relative_to(first) for p in first.glob(pattern))
    theirs = sorted(p.relative_to(second) for p in second.glob(pattern))
    if ours != theirs:
        missing = sorted(set(ours) ^ set(theirs))[0]
        side = second if missing in ours else first
        raise SystemExit(f"{side / missing} is missing: the runs did not make the same files")
    if not ours:
        raise SystemExit(f"no {pattern} under {first}: is the run finished?")
    return [(first / path, second / path) for path in ours]


def run_differences(first: Path, second: Path) -> RunDifferences:
    """Largest absolute differences between two runs' results folders of one dataset."""
    from softnet.model.network import load_checkpoint  # TensorFlow only for this

    models = paired(first, second, "*/models/*.keras")
    max_weight = max(
        float(np.abs(ours - theirs).max())
        for a, b in models
        for ours, theirs in zip(load_checkpoint(a).get_weights(), load_checkpoint(b).get_weights())
    )
    curves = paired(first, second, "*/scores/*/*.csv")
    max_score = max(float(np.abs(read_scores(a)[2] - read_scores(b)[2]).max()) for a, b in curves)
    tables = [pd.read_csv(run / "report" / "paper_table.csv") for run in (first, second)]
    return RunDifferences(
        len(models), max_weight, len(curves), max_score, tables[0].equals(tables[1])
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", type=Path, nargs=2, help="the two runs' working folders")
    parser.add_argument("--dataset", required=True, help="the dataset's name in both configs")
    args = parser.parse_args(argv)
    found = run_differences(*(run / "results" / args.dataset for run in args.runs))
    print(f"{found.models} models: weights differ by at most {found.max_weight:.3g}")
    print(f"{found.score_files} score curves: scores differ by at most {found.max_score:.3g}")
    print(f"paper table: {'the same' if found.same_paper_table else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
