"""Leave-one-subject-out folds: which subjects have a fold, in the published order, and
which model scores a subject's videos.

Light on purpose (no TensorFlow): the workflow's rules import it to plan jobs.
"""

from __future__ import annotations

import pandas as pd

from softnet.datasets.labels import videos_in_scope


def fold_subjects(videos: pd.DataFrame, used: pd.DataFrame) -> list[str]:
    """Subjects that take part, in the published LOSO fold order (natural sort of folders)."""
    return list(dict.fromkeys(videos_in_scope(videos, used, "labelled")["subject"]))


#: The dataset's final model, held out from no labelled subject: it scores the subjects
#: outside the fold order (no labelled video of the type; only the all-videos scope scores
#: them), and other videos (the `spot` target, cross-dataset tests).
FINAL_MODEL = "final"


def model_name(subject: str, folds: list[str]) -> str:
    """The model that scores a subject's videos: its own fold's, or the shared one of the
    subjects outside the folds (none of which any fold trains on)."""
    return subject if subject in folds else FINAL_MODEL


def fold_number(model: str, folds: list[str]) -> int:
    """1-based fold of a model in the published order; 0 for the final model."""
    if model == FINAL_MODEL:
        return 0
    if model not in folds:
        raise ValueError(
            f"subject {model!r} has no labelled video of the type, so it has no fold; "
            f"its videos are scored by the {FINAL_MODEL} model"
        )
    return folds.index(model) + 1
