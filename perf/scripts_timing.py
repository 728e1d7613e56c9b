"""The published scripts' stages re-enacted, so that the benchmark times them beside this
workflow on the same data, on the same machine, in the same run.

Cropping: every frame read in colour, cropped to the video's box, resized, written as a JPEG
and read back in grey (spec section 3). Features: TV-L1 and strain pair after pair in one
process with OpenCV's own threads. Training: their training.py holds every training frame in
memory, resets one model's weights per fold, fits it with Keras on a Python generator that
min-max normalises each batch as it passes, evaluates the held-out subject's frames after
every epoch (`validation_data`), then predicts them, all in one process that starts
TensorFlow once per dataset and type. Only the timing is of interest here: the network, the
samples and the epochs are this workflow's, and loading the frames is not timed (the scripts
had them in memory from their feature stage). Not used by the workflow.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import h5py
import numpy as np

from softnet.face import FaceBox
from softnet.flow.tvl1 import TVL1Params, features_of_flow
from softnet.model.network import as_streams, normalise
from softnet.model.training import TrainingParams, start_fold


def time_scripts_cropping(
    frames: list[Path], box: FaceBox, scratch: Path, size: int = 128
) -> float:
    """Seconds per frame of the scripts' cropping, over `frames` (the box is found once)."""
    started = time.perf_counter()
    for index, path in enumerate(frames):
        colour = cv2.imread(str(path))
        crop = cv2.resize(colour[box.top : box.bottom, box.left : box.right], (size, size))
        written = scratch / f"{index}.jpg"
        cv2.imwrite(str(written), crop)
        cv2.imread(str(written), cv2.IMREAD_GRAYSCALE)
    return (time.perf_counter() - started) / len(frames)


def time_scripts_flow(face_path: Path, k: int, params: TVL1Params, pairs: int) -> float:
    """Seconds per pair of the scripts' features: TV-L1 and strain of one pair after another
    in this process, OpenCV using all its threads (call it in a fresh process: OpenCV's
    thread count is process-wide)."""
    cv2.setNumThreads(cv2.getNumberOfCPUs())
    with h5py.File(face_path, "r") as handle:
        crops = handle["crops"][: pairs + k]
    tvl1 = params.create()
    count = min(pairs, len(crops) - k)
    started = time.perf_counter()
    for t in range(count):
        features_of_flow(tvl1.calc(crops[t], crops[t + k], None))
    return (time.perf_counter() - started) / count


@dataclass(frozen=True)
class ScriptsFoldTiming:
    """Seconds of the scripts' loop on one fold, its data held in memory."""

    samples: int
    held_out_frames: int
    #: Keras fit for all epochs, each with its evaluation of the held-out frames.
    fit_s: float
    predict_s: float

    @property
    def seconds(self) -> float:
        return self.fit_s + self.predict_s


def scripts_batches(
    held: list[tuple[list[np.ndarray], np.ndarray]],
) -> Iterator[tuple[tuple[np.ndarray, ...], np.ndarray]]:
    """Endless batches as the scripts' generator yields them: normalised on every pass."""
    while True:
        for streams, labels in held:
            frames = normalise(np.concatenate(streams, axis=-1))
            yield tuple(as_streams(frames)), labels


def _held_out(files: list[Path], labels: list[np.ndarray], batch_size: int):
    """The held-out videos' feature frames and labels in batches, read into memory."""
    frames = []
    for path in files:
        with h5py.File(path, "r") as handle:
            frames.append(handle["roi"][:])
    frames_all, labels_all = np.concatenate(frames), np.concatenate(labels).astype(np.float32)
    return [
        (as_streams(frames_all[start : start + batch_size]), labels_all[start : start + batch_size])
        for start in range(0, len(frames_all), batch_size)
    ]


def time_scripts_fold(
    train_files: list[Path],
    train_labels: list[np.ndarray],
    held_out_files: list[Path],
    held_out_labels: list[np.ndarray],
    expression_type: str,
    params: TrainingParams,
    fold_seed: int,
) -> ScriptsFoldTiming:
    """Time the scripts' fit (with per-epoch validation) and prediction of one fold.

    The training batches are the ones this workflow's fold draws (`start_fold`), prepared
    once and held in memory. The fit and prediction functions are traced outside the timing,
    and the weights reset after the tracing, as the scripts' later folds find them traced.
    """
    model, loader = start_fold(train_files, train_labels, expression_type, params, fold_seed)
    try:
        training = [loader.batch(i) for i in range(len(loader))]
    finally:
        loader.close()
    validation = _held_out(held_out_files, held_out_labels, params.batch_size)
    initial = model.get_weights()
    model.fit(
        scripts_batches(training),
        steps_per_epoch=1,
        epochs=1,
        validation_data=scripts_batches(validation),
        validation_steps=1,
        shuffle=False,
        verbose=0,
    )
    model.predict(_inputs(validation), steps=1, verbose=0)
    model.set_weights(initial)
    started = time.perf_counter()
    model.fit(
        scripts_batches(training),
        steps_per_epoch=len(training),
        epochs=params.epochs,
        validation_data=scripts_batches(validation),
        validation_steps=len(validation),
        shuffle=False,  # the scripts asked for True, which Keras ignores for a generator
        verbose=0,
    )
    fitted = time.perf_counter()
    model.predict(_inputs(validation), steps=len(validation), verbose=0)
    done = time.perf_counter()
    frames = sum(len(labels) for _, labels in validation)
    return ScriptsFoldTiming(len(loader.samples), frames, fitted - started, done - fitted)


def _inputs(held: list[tuple[list[np.ndarray], np.ndarray]]) -> Iterator[tuple]:
    """The batches' inputs alone, normalised, for prediction (the scripts' predict_generator).

    Each is a 1-tuple: Keras reads a bare tuple of three arrays as (inputs, targets, weights).
    """
    for streams, _ in scripts_batches(held):
        yield (streams,)
