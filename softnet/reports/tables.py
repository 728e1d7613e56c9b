"""The paper-shaped table of a run's counts, beside the paper's F1 and the published counts."""

from __future__ import annotations

import pandas as pd

from softnet.evaluation import Counts, counts_row

#: F1 of the paper (MEGC 2020 protocol), docs/method.md, reference numbers.
PAPER_F1 = {
    "casme2": {"macro": 0.2410, "micro": 0.1173, "overall": 0.2022},
    "sammlv": {"macro": 0.2169, "micro": 0.1520, "overall": 0.1881},
}


#: TP, FP, FN that the authors' script prints with their published weights (docs/method.md,
#: reference numbers).
PUBLISHED_COUNTS = {
    "casme2": {"micro": Counts(18, 327, 39), "macro": Counts(91, 348, 209)},
    "sammlv": {"micro": Counts(41, 323, 118), "macro": Counts(60, 231, 273)},
}


def paper_table(
    per_scope: dict[str, dict[str, Counts]], kind: str | None, model: str = "LOSO"
) -> pd.DataFrame:
    """Per scope, rows macro, micro, overall (pooled counts), beside the published F1s.

    `per_scope` maps a scope (labelled, all) to the counts of each expression type; the
    paper's F1 and the published weights' F1 stand beside the labelled scope of a release
    (`kind`), where the published scripts measured them. `model` says what scored the videos.
    """
    rows = []
    for scope, per_type in per_scope.items():
        names = [name for name in ("macro", "micro") if name in per_type]
        pooled = sum(per_type.values(), Counts(0, 0, 0))
        for name, counts in [*((n, per_type[n]) for n in names), ("overall", pooled)]:
            published = scope == "labelled"
            weights = PUBLISHED_COUNTS.get(kind, {}).get(name) if published else None
            if name == "overall" and published and len(PUBLISHED_COUNTS.get(kind, {})) == 2:
                weights = sum(PUBLISHED_COUNTS[kind].values(), Counts(0, 0, 0))
            rows.append(
                {
                    "model": model,
                    "scope": scope,
                    "expression": name,
                    **counts_row(counts),
                    "paper_F1": PAPER_F1.get(kind, {}).get(name) if published else None,
                    "published_weights_F1": round(weights.f1, 4) if weights else None,
                }
            )
    return pd.DataFrame(rows)
