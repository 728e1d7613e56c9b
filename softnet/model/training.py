"""Leave-one-subject-out training of SOFTNet (docs/method.md, step 5), one fold per job.

The training frames are streamed from the ROI files batch by batch, a thread reading ahead of
the SGD steps: a fold only keeps the list of (file, frame, label, augmentation) it draws and
a few batches, never a copy of the dataset. The SGD steps run many batches per call of one
traced TensorFlow function (`CompiledSteps`), with the numbers of Keras' `train_on_batch`.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import h5py
import numpy as np
import pandas as pd
import tensorflow as tf
from skimage.util import random_noise

from softnet.applied.models import RELEASE_FOLDERS, published_weights_dir
from softnet.datasets.kinds import layout_kind
from softnet.datasets.labels import pseudo_labels, used_events
from softnet.model.folds import fold_number, fold_subjects
from softnet.model.network import (
    ROI_SHAPE,
    STREAMS,
    build_softnet,
    channel_planes,
    load_published_weights,
    normalise_planes,
    planes_as_streams,
)
from softnet.tensorflow_setup import tensorflow_device

if TYPE_CHECKING:
    import keras

log = logging.getLogger(__name__)


#: The published micro-expression augmentation: each positive frame three more times.
AUGMENTATIONS = ("flip", "blur", "noise")


#: SGD steps per call of the compiled loop: one return to Python for this many batches.
STEPS_PER_CALL = 16


#: Batches read ahead by the loader's thread: the next call's batches while one call trains.
PREFETCH_BATCHES = 2 * STEPS_PER_CALL


Batch = tuple[list[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class TrainingParams:
    """Training settings; the defaults are the published ones."""

    batch_size: int = 12
    epochs: int = 10
    learning_rate: float = 0.0005
    seed: int = 1
    downsample: bool = True
    augment_micro: bool = True
    #: The published training shuffles once: Keras ignores `shuffle` for their generator.
    shuffle_each_epoch: bool = False


@dataclass(frozen=True)
class Sample:
    """One training example: a frame of an ROI file, its label and how to alter it."""

    video: int
    frame: int
    label: int
    augmentation: str = ""


def draw_samples(
    labels: list[np.ndarray], expression_type: str, params: TrainingParams, fold_seed: int
) -> list[Sample]:
    """All positive frames and int(majority / 2) negative ones, drawn with Python's random.

    The published scripts seed Python's random once and run the folds in sequence; here each
    fold draws from its own seed so that the folds can run as independent jobs.
    """
    positives = [Sample(v, int(f), 1) for v, y in enumerate(labels) for f in np.flatnonzero(y)]
    negatives = [Sample(v, int(f), 0) for v, y in enumerate(labels) for f in np.flatnonzero(y == 0)]
    draw = random.Random(fold_seed)
    if params.downsample:
        keep = min(int(max(len(positives), len(negatives)) / 2), len(negatives))
        negatives = draw.sample(negatives, keep)
    augmented = []
    if expression_type == "micro" and params.augment_micro:
        augmented = [Sample(s.video, s.frame, 1, a) for s in positives for a in AUGMENTATIONS]
    samples = positives + augmented + negatives
    draw.shuffle(samples)
    return samples


def augment(sample: np.ndarray, augmentation: str, noise_seed: int) -> np.ndarray:
    """One normalised (42, 42, 3) frame altered as the published micro augmentation does.

    The published generator normalises the training frames in place as it passes them, so
    from their second fold on the augmentations see normalised frames, as here (their first
    fold alone adds the noise to raw flow values). The result must be normalised again.
    """
    if augmentation == "flip":
        return sample[:, ::-1].copy()
    if augmentation == "blur":
        return cv2.GaussianBlur(sample, (7, 7), 0)
    if augmentation == "noise":
        return random_noise(sample, mode="gaussian", rng=noise_seed).astype(np.float32)
    return sample


class ROIBatches:
    """Batches of (streams, labels) read from ROI files, in the samples' order until
    `reshuffle` draws a new one."""

    def __init__(self, files: list[Path], samples: list[Sample], batch_size: int, seed: int):
        self.files, self.samples, self.batch_size = files, samples, batch_size
        self.order = np.arange(len(samples))
        self.rng = np.random.default_rng(seed)
        self.rois: dict[int, h5py.Dataset] = {}  # each video's ROI dataset, once opened

    def __len__(self) -> int:
        return math.ceil(len(self.samples) / self.batch_size)

    def batch(self, index: int) -> Batch:
        chosen = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        labels = np.array([self.samples[i].label for i in chosen], dtype=np.float32)
        return planes_as_streams(self._frames(chosen)), labels

    def prefetched(self, depth: int = PREFETCH_BATCHES) -> Iterator[Batch]:
        """Every batch in order, while a background thread reads the next `depth` ones.

        Reading overlaps the SGD step (TensorFlow releases the GIL while it computes), and
        the batches are the ones `batch` gives, so training is unchanged. The order must not
        be reshuffled until the iterator is exhausted.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="roi-batches") as reader:
            ahead = deque(reader.submit(self.batch, i) for i in range(min(depth, len(self))))
            for index in range(len(self)):
                current = ahead.popleft()
                if index + depth < len(self):
                    ahead.append(reader.submit(self.batch, index + depth))
                yield current.result()

    def _frames(self, chosen: np.ndarray) -> np.ndarray:
        """The samples' (N, 3, 42, 42) channel planes as the network sees them: normalised,
        augmented, normalised again.

        The batch is normalised at once: per sample and channel, so the same numbers as one
        sample at a time. Frames are read one by one: h5py reads a list of frames ~10x slower.
        The augmentations see a sample as stored, (42, 42, 3).
        """
        samples = [self.samples[i] for i in chosen]
        stacked = np.stack([self._rois(s.video)[s.frame] for s in samples])
        planes = normalise_planes(channel_planes(stacked))
        for position, (index, sample) in enumerate(zip(chosen, samples)):
            if sample.augmentation:
                frame = np.ascontiguousarray(np.moveaxis(planes[position], 0, -1))
                altered = augment(frame, sample.augmentation, noise_seed=index)
                planes[position] = np.moveaxis(altered, -1, 0)
        return normalise_planes(planes)

    def _rois(self, video: int) -> h5py.Dataset:
        if video not in self.rois:
            self.rois[video] = h5py.File(self.files[video], "r")["roi"]
        return self.rois[video]

    def reshuffle(self) -> None:
        self.rng.shuffle(self.order)

    def close(self) -> None:
        for rois in self.rois.values():
            rois.file.close()


class CompiledSteps:
    """A model's SGD steps, up to `steps_per_call` batches in one call of a traced function.

    Each step is what `train_on_batch` runs for one batch: the metrics reset, then Keras'
    `train_step` (traced with the model's `jit_compile`, as Keras traces it), so the weights
    and every batch's loss and mae are bit for bit those of a `train_on_batch` loop over the
    same batches; what goes is Keras' Python dispatch around each batch. Batches of a new
    size (an epoch's last one) start a new call; one trace serves every size.
    """

    def __init__(self, model: keras.Model, steps_per_call: int = STEPS_PER_CALL):
        self.model, self.steps_per_call = model, steps_per_call
        self._step = tf.function(self._one_step, jit_compile=bool(model.jit_compile))
        image = tf.TensorSpec([None, None, *ROI_SHAPE], tf.float32)
        streams = tuple(image for _ in STREAMS)
        self._steps = tf.function(
            self._many_steps, input_signature=[streams, tf.TensorSpec([None, None], tf.float32)]
        )

    def run(self, batches: Iterable[Batch]) -> tuple[list[float], list[float]]:
        """Train on the batches in their order; each batch's loss and mae."""
        losses: list[float] = []
        errors: list[float] = []
        for chunk in self._chunks(batches):
            streams = tuple(np.stack([s[c] for s, _ in chunk]) for c in range(len(STREAMS)))
            loss, mae = self._steps(streams, np.stack([target for _, target in chunk]))
            losses += loss.numpy().tolist()
            errors += mae.numpy().tolist()
        return losses, errors

    def _chunks(self, batches: Iterable[Batch]) -> Iterator[list[Batch]]:
        """Consecutive batches of one size, at most `steps_per_call` of them."""
        chunk: list[Batch] = []
        for batch in batches:
            if chunk and len(batch[1]) != len(chunk[0][1]):
                yield chunk
                chunk = []
            chunk.append(batch)
            if len(chunk) == self.steps_per_call:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _one_step(self, streams: list[tf.Tensor], target: tf.Tensor) -> dict[str, tf.Tensor]:
        self.model.reset_metrics()
        return self.model.train_step((streams, target))

    def _many_steps(
        self, streams: tuple[tf.Tensor, ...], targets: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor]:
        count = tf.shape(targets)[0]
        losses = tf.TensorArray(tf.float32, size=count)
        errors = tf.TensorArray(tf.float32, size=count)
        for step in tf.range(count):
            logs = self._step([s[step] for s in streams], targets[step])
            losses = losses.write(step, logs["loss"])
            errors = errors.write(step, logs["mae"])
        return losses.stack(), errors.stack()


def start_fold(
    files: list[Path],
    labels: list[np.ndarray],
    expression_type: str,
    params: TrainingParams,
    fold_seed: int,
) -> tuple[keras.Model, ROIBatches]:
    """A fold's fresh SOFTNet (the same initial weights for every fold) and the batches of the
    samples it draws; the caller closes the batches."""
    samples = draw_samples(labels, expression_type, params, fold_seed)
    if not samples:
        raise ValueError("no training frames: the other subjects have no ROI frames")
    positives = sum(s.label for s in samples)
    log.info("%d training samples (%d positive)", len(samples), positives)
    model = build_softnet(seed=params.seed, learning_rate=params.learning_rate)
    return model, ROIBatches(files, samples, params.batch_size, seed=fold_seed)


def train_fold(
    files: list[Path],
    labels: list[np.ndarray],
    expression_type: str,
    params: TrainingParams,
    fold_seed: int,
):
    """Train a fresh SOFTNet (the same initial weights for every fold) on the given videos.

    Returns the model and its per-epoch history (loss and mae: the means of the batches'
    values; samples; the device that trained it).
    """
    model, batches = start_fold(files, labels, expression_type, params, fold_seed)
    steps = CompiledSteps(model)
    device = tensorflow_device()
    log.info("training on %s", device)
    history = []
    try:
        for epoch in range(1, params.epochs + 1):
            # The samples are drawn in shuffled order; the published training keeps that order
            # in every epoch, as Keras ignores `shuffle` for their generator.
            if params.shuffle_each_epoch and epoch > 1:
                batches.reshuffle()
            started = time.perf_counter()
            with closing(batches.prefetched()) as loader:
                losses, errors = steps.run(loader)
            seconds = time.perf_counter() - started
            history.append(
                {
                    "epoch": epoch,
                    "loss": float(np.mean(losses)),
                    "mae": float(np.mean(errors)),
                    "samples": len(batches.samples),
                    "device": device,
                }
            )
            rate = len(batches.samples) / seconds
            log.info(
                "epoch %d/%d (%.3f s, %.0f samples/s): %s",
                epoch,
                params.epochs,
                seconds,
                rate,
                history[-1],
            )
    finally:
        batches.close()
    return model, pd.DataFrame(history)


def published_weights(folder: Path, kind: str, expression_type: str, fold: int) -> Path:
    """The authors' weight file of a fold: SOFTNet_Weights/<release>/<type>-expression/s<fold>."""
    if layout_kind(kind) not in RELEASE_FOLDERS:
        raise ValueError(
            f"training.pretrained: the published weights are folds of CAS(ME)^2 and SAMM-LV; a "
            f"{kind} dataset has other subjects: train it, or apply the published ensemble"
        )
    path = published_weights_dir(folder, layout_kind(kind), expression_type) / f"s{fold}.hdf5"
    if not path.is_file():
        raise FileNotFoundError(
            f"published weight file {path} not found; training.pretrained must hold "
            f"<release>/<type>-expression/s<fold>.hdf5 as released"
        )
    return path


def fit_subject(
    roi_files: list[Path],
    videos: pd.DataFrame,
    events: pd.DataFrame,
    kind: str,
    expression_type: str,
    subject: str,
    k: int,
    params: TrainingParams,
    pretrained: Path | None = None,
):
    """The model of one held-out subject: trained on `roi_files` or the published weights.

    `subject` may be the final model (fold 0), trained on every labelled subject's videos;
    with published weights it takes fold 1's file, as every published fold was trained
    without the subjects it scores and one fixed choice keeps runs comparable.
    """
    used = used_events(events, kind, expression_type)
    fold = fold_number(subject, fold_subjects(videos, used))
    if pretrained is not None:
        path = published_weights(pretrained, kind, expression_type, max(fold, 1))
        log.info("fold %d (%s): published weights %s instead of training", fold, subject, path)
        model = build_softnet(seed=params.seed, learning_rate=params.learning_rate)
        load_published_weights(model, path)
        return model, pd.DataFrame(columns=["epoch", "loss", "mae", "samples", "device"])
    log.info("fold %d (%s): training on %d videos", fold, subject, len(roi_files))
    labels = video_labels(roi_files, used, k)
    return train_fold(
        roi_files, labels, expression_type, params, fold_seed=params.seed * 1000 + fold
    )


def video_labels(roi_files: list[Path], used: pd.DataFrame, k: int) -> list[np.ndarray]:
    """Pseudo-labels of every feature frame of each ROI file (roi/k<k>/<subject>/<video>.h5)."""
    labels = []
    for path in map(Path, roi_files):
        mine = used[(used["subject"] == path.parent.name) & (used["video"] == path.stem)]
        with h5py.File(path, "r") as handle:
            labels.append(pseudo_labels(handle["roi"].shape[0], k, mine))
    return labels
