"""Score curves: each feature frame's score from one model or the mean of an ensemble."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import h5py
import keras
import numpy as np

from softnet.model.network import (
    build_softnet,
    channel_planes,
    load_checkpoint,
    load_published_weights,
    normalise_planes,
    planes_as_streams,
)


def predict_scores(model: keras.Model, rois: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Scores (N,) of one model for raw ROI stacks (an ensemble of one, see `ensemble_scores`)."""
    return ensemble_scores([model], rois, batch_size)


def load_models(files: list[Path]) -> list[keras.Model]:
    """Models to average: the authors' HDF5 weight files, or final models saved here (.keras)."""
    models = []
    for path in map(Path, files):
        if path.suffix == ".keras":
            models.append(load_checkpoint(path))
        else:
            model = build_softnet()
            load_published_weights(model, path)
            models.append(model)
    return models


def ensemble_scores(
    models: list[keras.Model], rois: h5py.Dataset | np.ndarray, batch_size: int = 1024
) -> np.ndarray:
    """The mean score of the models for every ROI stack (a single model: its own score).

    Each batch is read and normalised once for all models, not once per model, a batch at a
    time so that memory stays bounded.
    """
    scores = np.empty(len(rois), dtype=np.float32)
    for start in range(0, len(rois), batch_size):
        streams = planes_as_streams(
            normalise_planes(channel_planes(rois[start : start + batch_size]))
        )
        # A direct call, not predict(): no per-model tf.function tracing, no progress bar.
        total = sum(
            keras.ops.convert_to_numpy(model(streams, training=False))
            .reshape(-1)
            .astype(np.float64)
            for model in models
        )
        scores[start : start + len(streams[0])] = total / len(models)
    return scores


def _identity(handle: h5py.File) -> tuple[str, str, int]:
    """Subject, video and k an ROI file was made for."""
    attrs = handle.attrs
    return str(attrs["subject"]), str(attrs["video"]), int(attrs["k"])


def score_roi_files(
    models: list[keras.Model], roi_files: list[str | os.PathLike]
) -> Iterator[tuple[str, str, int, np.ndarray]]:
    """(subject, video, k, scores) of each ROI file in turn, scored by the models' ensemble.

    One process scores many videos, so TensorFlow starts once for all of them.
    """
    for path in roi_files:
        with h5py.File(path, "r") as handle:
            subject, video, k = _identity(handle)
            scores = ensemble_scores(models, handle["roi"])
        yield subject, video, k, scores


def score_subjects(
    model_of: dict[str, Path], roi_files: list[str | os.PathLike]
) -> Iterator[tuple[str, str, int, Path, np.ndarray]]:
    """(subject, video, k, model file, scores) of each ROI file, scored by its subject's model.

    Every subject of a type in one process: TensorFlow starts once, and each model is loaded
    once however many subjects it scores (the final model scores all without a fold).
    """
    loaded: dict[Path, keras.Model] = {}
    for path in roi_files:
        with h5py.File(path, "r") as handle:
            subject, video, k = _identity(handle)
            model_file = model_of[subject]
            if model_file not in loaded:
                loaded[model_file] = load_models([model_file])[0]
            scores = predict_scores(loaded[model_file], handle["roi"])
        yield subject, video, k, model_file, scores
