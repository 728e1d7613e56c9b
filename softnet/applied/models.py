"""Models applied to videos they were not trained on: own recordings, cross-dataset tests.

A model is named by a reference: `published-casme2` or `published-sammlv` (the authors'
weight files of that release, used as an ensemble: the mean score of all its fold models),
or the name of a configured dataset (its final model, trained here on all its labelled
subjects). SOFTNet's k is counted in frames of the training videos, so a video at another
frame rate gets k scaled by the ratio of the frame rates.

Light on purpose (no TensorFlow): the workflow's rules import it to plan jobs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from softnet.datasets.kinds import FPS, PUBLISHED_K, RELEASE_FOLDERS
from softnet.datasets.labels import videos_in_scope

PUBLISHED_PREFIX = "published-"


PUBLISHED_MODELS = tuple(PUBLISHED_PREFIX + release for release in PUBLISHED_K)


#: A fold's weight file: s1.hdf5 holds fold 1 (docs/method.md, step 5).
WEIGHT_FILE = re.compile(r"s(\d+)\.hdf5")


@dataclass(frozen=True)
class ModelTiming:
    """The k a model was trained with and the frame rate of its training videos."""

    k: int
    fps: float


def published_release(model: str) -> str | None:
    """`casme2` for `published-casme2`; None for a dataset's final model."""
    return model.removeprefix(PUBLISHED_PREFIX) if model in PUBLISHED_MODELS else None


def published_timing(release: str, expression_type: str) -> ModelTiming:
    return ModelTiming(PUBLISHED_K[release][expression_type], FPS[release])


def dataset_timing(videos: pd.DataFrame, used: pd.DataFrame, k: int) -> ModelTiming:
    """A dataset's final model: its k, at the median frame rate of its labelled videos."""
    labelled = videos_in_scope(videos, used, "labelled")
    return ModelTiming(k, float(labelled["fps"].median()))


def scaled_k(timing: ModelTiming, fps: float) -> int:
    """k in frames of a video at `fps`: the model's k times the ratio of frame rates, >= 1.

    A CAS(ME)^2 micro model (k = 6 at 30 fps) gets k = 12 on a 60 fps video.
    """
    return max(1, round(timing.k * fps / timing.fps))


def video_ks(
    videos: pd.DataFrame, timing: ModelTiming, override: int | None, what: str
) -> pd.DataFrame:
    """Each video's k for one model (scaled from the model's, or the configured override), and
    why it cannot be scored (`skipped`, '' when it can).

    A video is skipped when its index excludes it (a spot input the face stage could not
    process) or when it has no more than k frames, hence no flow pair.
    """
    ks = videos[["subject", "video", "source", "fps", "frame_count"]].copy()
    ks["k"] = [override or scaled_k(timing, float(fps)) for fps in ks["fps"]]
    ks["skipped"] = [
        excluded
        or (
            f"{row.source}: {row.frame_count} frames are too few for {what} (k = {row.k} at "
            f"{row.fps:g} fps needs at least k + 1); remove the video or set a smaller k"
            if row.frame_count <= row.k
            else ""
        )
        for excluded, row in zip(videos["excluded"], ks.itertuples())
    ]
    return ks


def check_scorable(ks: pd.DataFrame) -> None:
    """Stop with the reason of the first video of `video_ks` that cannot be scored."""
    skipped = ks["skipped"][ks["skipped"] != ""]
    if len(skipped):
        raise ValueError(skipped.iloc[0])


class WeightsFolderError(FileNotFoundError):
    """The authors' weights folder is missing or lacks the files a model needs."""


def published_weights_dir(folder: str | Path, release: str, expression_type: str) -> Path:
    """SOFTNet_Weights/<CASME_sq|SAMMLV>/<type>-expression, as the authors released it."""
    if not Path(folder).is_dir():
        raise WeightsFolderError(
            f"published weights folder {folder} does not exist; download the authors' "
            "SOFTNet_Weights folder and point published_weights (or training.pretrained) at it"
        )
    return Path(folder) / RELEASE_FOLDERS[release] / f"{expression_type}-expression"


def published_weight_files(folder: str | Path, release: str, expression_type: str) -> list[Path]:
    """All fold files s1.hdf5, s2.hdf5 ... of a release and type, in fold order.

    A missing fold in between is an error naming it: the ensemble would quietly lose a
    model. (A missing last fold cannot be told from a release with fewer folds.)
    """
    directory = published_weights_dir(folder, release, expression_type)
    folds = {
        int(match.group(1)): path
        for path in directory.glob("s*.hdf5")
        if (match := WEIGHT_FILE.fullmatch(path.name))
    }
    if not folds:
        raise WeightsFolderError(
            f"no weight files s<fold>.hdf5 in {directory}; the published_weights folder must "
            "hold the authors' SOFTNet_Weights layout <CASME_sq|SAMMLV>/<type>-expression/"
        )
    missing = [f"s{fold}.hdf5" for fold in range(1, max(folds) + 1) if fold not in folds]
    if missing:
        raise WeightsFolderError(
            f"{directory} lacks {', '.join(missing)} of the fold files s1.hdf5 to "
            f"s{max(folds)}.hdf5; copy them from the authors' SOFTNet_Weights folder"
        )
    return [folds[fold] for fold in sorted(folds)]
