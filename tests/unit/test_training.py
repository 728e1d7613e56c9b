"""LOSO training: sampling, augmentation, determinism and the published weights' fold order;
the published scripts' loop re-enacted for timing."""

import json
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from perf.loading import train_on_batches
from softnet.model import training
from softnet.model.folds import FINAL_MODEL, fold_number, fold_subjects, model_name
from softnet.model.network import normalise
from softnet.model.scoring import predict_scores
from softnet.model.training import (
    AUGMENTATIONS,
    CompiledSteps,
    ROIBatches,
    Sample,
    TrainingParams,
    augment,
    draw_samples,
    fit_subject,
    published_weights,
    start_fold,
    train_fold,
)
from softnet.tensorflow_setup import configure_tensorflow, tensorflow_device
from tests.helpers.arrays import RecordingModel, roi_files


def test_downsampling_keeps_every_positive_and_half_the_majority():
    labels = [np.array([1] * 4 + [0] * 16), np.array([0] * 10)]
    samples = draw_samples(labels, "macro", TrainingParams(), fold_seed=3)
    positives = [s for s in samples if s.label == 1]
    negatives = [s for s in samples if s.label == 0]
    assert len(positives) == 4 and len(negatives) == 13  # int(26 / 2)
    assert len({(s.video, s.frame) for s in negatives}) == 13


def test_micro_positives_get_three_augmented_copies():
    labels = [np.array([1, 1, 0, 0, 0, 0, 0, 0])]
    samples = draw_samples(labels, "micro", TrainingParams(), fold_seed=0)
    copies = sorted(s.augmentation for s in samples if s.label == 1)
    assert copies == ["", "", "blur", "blur", "flip", "flip", "noise", "noise"]
    macro = draw_samples(labels, "macro", TrainingParams(), fold_seed=0)
    assert all(s.augmentation == "" for s in macro)


def test_drawing_is_seeded():
    labels = [np.array([0, 1] * 50)]
    first = draw_samples(labels, "micro", TrainingParams(), fold_seed=7)
    assert first == draw_samples(labels, "micro", TrainingParams(), fold_seed=7)
    assert first != draw_samples(labels, "micro", TrainingParams(), fold_seed=8)


def test_augmentations():
    sample = np.zeros((42, 42, 3), np.float32)
    sample[:, 0] = 1.0
    assert augment(sample, "flip", 0)[:, -1].min() == 1.0
    blurred = augment(sample, "blur", 0)
    assert 0 < blurred[:, 1].mean() < 1 and blurred.shape == sample.shape
    noisy = augment(sample, "noise", 0)
    assert noisy.dtype == np.float32 and 0 <= noisy.min() and noisy.max() <= 1
    assert np.array_equal(noisy, augment(sample, "noise", 0))
    assert augment(sample, "", 0) is sample


def test_every_sample_reaches_the_network_normalised_per_channel(tmp_path):
    # Raw flow values on different scales, strain partly negative, as the ROI files hold them.
    rng = np.random.default_rng(0)
    rois = rng.random((4, 42, 42, 3), dtype=np.float32) * np.float32([3.0, 0.2, 1.0])
    rois[..., 2] -= 0.5
    rois[0, :, :21] = 0.0  # a flat half, which the blur smears
    path = tmp_path / "s1" / "v1.h5"
    path.parent.mkdir()
    with h5py.File(path, "w") as handle:
        handle["roi"] = rois
    samples = [Sample(0, f, 1, a) for f in range(4) for a in ("", *AUGMENTATIONS)]
    batches = ROIBatches([path], samples, batch_size=5, seed=0)
    try:
        streams = [batches.batch(i)[0] for i in range(len(batches))]
    finally:
        batches.close()
    frames = np.concatenate([np.concatenate(s, axis=-1) for s in streams])
    assert frames.shape == (len(samples), 42, 42, 3)
    for sample, frame in zip(samples, frames, strict=True):
        low, high = frame.min(axis=(0, 1)), frame.max(axis=(0, 1))
        assert np.allclose(low, 0, atol=1e-6) and np.allclose(high, 1, atol=1e-6), sample


def epoch_orders(folder: Path, monkeypatch, params: TrainingParams) -> list[list[tuple]]:
    """(label, frame bytes) of the samples each epoch of `train_fold` feeds the model."""
    files, labels = roi_files(folder)
    model = RecordingModel()
    monkeypatch.setattr(training, "build_softnet", lambda **_: model)
    monkeypatch.setattr(training, "CompiledSteps", lambda model: model)
    train_fold(files, labels, "micro", params, fold_seed=1001)
    size = len(model.samples) // params.epochs
    return [model.samples[e * size : (e + 1) * size] for e in range(params.epochs)]


def test_every_epoch_sees_the_samples_in_the_same_shuffled_order(tmp_path, monkeypatch):
    orders = epoch_orders(tmp_path, monkeypatch, TrainingParams(epochs=3))
    assert orders[0] == orders[1] == orders[2]
    drawn = draw_samples(roi_files(tmp_path / "b")[1], "micro", TrainingParams(), fold_seed=1001)
    assert [label for label, _ in orders[0]] == [s.label for s in drawn]
    assert [s.label for s in drawn] != sorted(s.label for s in drawn)  # shuffled once


def test_reshuffling_every_epoch_is_an_option(tmp_path, monkeypatch):
    fixed = epoch_orders(tmp_path / "fixed", monkeypatch, TrainingParams(epochs=3))
    params = TrainingParams(epochs=3, shuffle_each_epoch=True)
    orders = epoch_orders(tmp_path / "reshuffled", monkeypatch, params)
    assert orders[0] == fixed[0]  # the first epoch is the drawn order either way
    assert orders[1] != orders[0] and orders[2] not in (orders[0], orders[1])
    assert sorted(orders[1]) == sorted(orders[2]) == sorted(orders[0])


def test_batches_hold_the_samples_as_read_one_at_a_time_and_prefetching_keeps_them(tmp_path):
    files, _ = roi_files(tmp_path, frames=12)
    samples = [
        Sample(1, 7, 1),
        Sample(0, 3, 0),
        Sample(1, 2, 1, "noise"),
        Sample(1, 7, 1, "flip"),  # a frame twice in one batch
        Sample(0, 3, 1, "blur"),
        Sample(0, 11, 0),
        Sample(1, 0, 1, "noise"),
    ]
    expected = []
    with h5py.File(files[0]) as first, h5py.File(files[1]) as second:
        for index, sample in enumerate(samples):
            roi = (first, second)[sample.video]["roi"][sample.frame][None]
            altered = augment(normalise(roi)[0], sample.augmentation, noise_seed=index)
            expected.append(normalise(altered[None])[0])
    batches = ROIBatches(files, samples, batch_size=3, seed=0)
    try:
        direct = [batches.batch(i) for i in range(len(batches))]
        ahead = list(batches.prefetched(depth=2))
    finally:
        batches.close()
    frames = np.concatenate([np.concatenate(streams, axis=-1) for streams, _ in direct])
    assert frames.tobytes() == np.stack(expected).tobytes()
    assert np.concatenate([y for _, y in direct]).tolist() == [s.label for s in samples]
    assert len(ahead) == len(direct) == 3
    for (streams, target), (again, same) in zip(direct, ahead, strict=True):
        assert all(a.tobytes() == b.tobytes() for a, b in zip(streams, again, strict=True))
        assert target.tobytes() == same.tobytes()


def test_training_is_deterministic_and_learns(tmp_path):
    files, labels = roi_files(tmp_path)
    params = TrainingParams(epochs=3, learning_rate=0.01)
    configure_tensorflow(threads=1, seed=params.seed)
    first, history = train_fold(files, labels, "macro", params, fold_seed=1001)
    second, _ = train_fold(files, labels, "macro", params, fold_seed=1001)
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        assert np.array_equal(a, b)
    assert list(history.columns) == ["epoch", "loss", "mae", "samples", "device"]
    assert len(history) == 3 and history["device"].iloc[0] == tensorflow_device()
    assert history["loss"].iloc[-1] < history["loss"].iloc[0]


def test_the_compiled_loop_trains_as_train_on_batch_bit_for_bit(tmp_path):
    # 242 samples: 21 batches a call of 16, one of 4 and the smaller last batch alone.
    files, labels = roi_files(tmp_path, frames=200)
    params = TrainingParams(epochs=3)
    configure_tensorflow(threads=1, seed=params.seed)
    model, history = train_fold(files, labels, "micro", params, fold_seed=1001)
    reference, batches = start_fold(files, labels, "micro", params, fold_seed=1001)
    initial = reference.get_weights()
    try:
        assert len(batches) == 21 and len(batches.samples) % params.batch_size
        epochs = [train_on_batches(reference, batches.prefetched()) for _ in range(params.epochs)]
    finally:
        batches.close()
    assert history["loss"].tolist() == [float(np.mean(losses)) for losses, _ in epochs]
    assert history["mae"].tolist() == [float(np.mean(errors)) for _, errors in epochs]
    for ours, theirs, start in zip(model.get_weights(), reference.get_weights(), initial):
        assert ours.tobytes() == theirs.tobytes() and not np.array_equal(ours, start)


def test_the_compiled_steps_trace_once_for_every_batch_size(tmp_path):
    files, labels = roi_files(tmp_path, frames=40)
    model, batches = start_fold(files, labels, "macro", TrainingParams(), fold_seed=1001)
    try:
        held = [batches.batch(i) for i in range(len(batches))]
    finally:
        batches.close()
    steps = CompiledSteps(model, steps_per_call=2)
    losses, errors = steps.run(held)
    assert [len(target) for _, target in held] == [12, 12, 12, 10]
    assert len(losses) == len(errors) == 4 and all(np.isfinite(losses + errors))
    assert steps._steps.experimental_get_tracing_count() == 1


def test_fold_order_is_the_natural_order_of_taking_part_subjects():
    videos = pd.DataFrame(
        {
            "subject": ["s15", "s16", "s19", "s40", "s9"],
            "video": ["a", "b", "c", "d", "e"],
            "excluded": ["", "", "", "", ""],
        }
    )
    used = pd.DataFrame({"subject": ["s9", "s40", "s15"], "video": ["e", "d", "a"]})
    videos = videos.iloc[[4, 0, 1, 2, 3]]  # the index lists videos in natural order
    assert fold_subjects(videos, used) == ["s9", "s15", "s40"]


def test_subjects_outside_the_folds_share_the_final_model_fold_0():
    folds = ["s15", "s16"]
    assert [model_name(s, folds) for s in ("s15", "s16", "s19")] == ["s15", "s16", FINAL_MODEL]
    assert [fold_number(m, folds) for m in ("s15", "s16", FINAL_MODEL)] == [1, 2, 0]
    with pytest.raises(ValueError, match=r"'s19' has no labelled video.*final model"):
        fold_number("s19", folds)


def test_a_missing_published_weight_file_names_the_expected_layout(tmp_path):
    with pytest.raises(FileNotFoundError, match="SAMMLV/macro-expression/s4.hdf5 not found"):
        published_weights(tmp_path, "sammlv", "macro", 4)


def test_pretrained_folds_load_the_authors_file_of_their_fold(published_weights):
    expected = json.loads((published_weights / "expected_scores.json").read_text())
    inputs = np.load(published_weights / "inputs.npy")
    videos = pd.DataFrame(
        {"subject": ["s15", "s16", "s19"], "video": ["a", "b", "c"], "excluded": [""] * 3}
    )
    events = pd.DataFrame(
        {"subject": videos["subject"], "video": videos["video"], "type": "micro"}
    ).assign(onset=10, apex=12, offset=20)
    for fold, subject in enumerate(["s15", "s16", "s19"], start=1):
        model, history = fit_subject(
            [], videos, events, "casme2", "micro", subject, 6, TrainingParams(), published_weights
        )
        assert history.empty
        scores = model([inputs[..., c : c + 1] for c in range(3)]).numpy().ravel()
        assert np.allclose(scores, expected[f"s{fold}.hdf5"], atol=1e-4)
        # our own scoring path normalises first: the fixture inputs are already in [0, 1]
        assert np.allclose(predict_scores(model, inputs), scores, atol=1e-4)
    # A subject without a labelled video of the type is scored with fold 1's weights.
    model, _ = fit_subject(
        [], videos, events, "casme2", "micro", FINAL_MODEL, 6, TrainingParams(), published_weights
    )
    scores = model([inputs[..., c : c + 1] for c in range(3)]).numpy().ravel()
    assert np.allclose(scores, expected["s1.hdf5"], atol=1e-4)
