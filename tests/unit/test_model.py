"""The SOFTNet network: architecture, input normalisation and the authors' published weights."""

import json
from pathlib import Path

import cv2
import h5py
import keras
import numpy as np
import pytest

from softnet.model.network import (
    WeightFileError,
    as_streams,
    build_softnet,
    channel_planes,
    load_checkpoint,
    load_published_weights,
    normalise,
    normalise_planes,
    planes_as_streams,
    save_checkpoint,
)
from softnet.model.scoring import predict_scores, score_roi_files, score_subjects

FOLDS = ("s1", "s2", "s3")


@pytest.fixture(scope="module")
def model() -> keras.Model:
    return build_softnet(seed=0)


@pytest.fixture(scope="module")
def fixtures(published_weights: Path) -> Path:
    return published_weights


def test_layer_shapes_and_names(model: keras.Model) -> None:
    shapes = {layer.name: tuple(layer.output.shape) for layer in model.layers}
    assert shapes == {
        "input_1": (None, 42, 42, 1),
        "input_2": (None, 42, 42, 1),
        "input_3": (None, 42, 42, 1),
        "conv2d": (None, 42, 42, 3),
        "conv2d_1": (None, 42, 42, 5),
        "conv2d_2": (None, 42, 42, 8),
        "max_pooling2d": (None, 14, 14, 3),
        "max_pooling2d_1": (None, 14, 14, 5),
        "max_pooling2d_2": (None, 14, 14, 8),
        "concatenate": (None, 14, 14, 16),
        "max_pooling2d_3": (None, 7, 7, 16),
        "flatten": (None, 784),
        "dense": (None, 400),
        "dense_1": (None, 1),
    }


def test_parameter_counts(model: keras.Model) -> None:
    counts = {layer.name: layer.count_params() for layer in model.layers if layer.weights}
    assert counts == {
        "conv2d": 5 * 5 * 1 * 3 + 3,
        "conv2d_1": 5 * 5 * 1 * 5 + 5,
        "conv2d_2": 5 * 5 * 1 * 8 + 8,
        "dense": 784 * 400 + 400,
        "dense_1": 400 + 1,
    }
    assert model.count_params() == 314_817


def test_concatenation_order_is_u_v_strain(model: keras.Model) -> None:
    pools = model.get_layer("concatenate").input
    assert [t.shape[-1] for t in pools] == [3, 5, 8]
    for index, suffix in enumerate(("", "_1", "_2")):
        conv = model.get_layer(f"conv2d{suffix}")
        assert conv.input.name == model.inputs[index].name


def test_compiled_for_regression() -> None:
    model = build_softnet(seed=0, learning_rate=0.01)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert float(build_softnet(seed=0).optimizer.learning_rate) == pytest.approx(0.0005)
    assert model.loss == "mse"


def test_same_seed_same_weights_different_seed_different() -> None:
    first, second, other = build_softnet(seed=7), build_softnet(seed=7), build_softnet(seed=8)
    for a, b, c in zip(first.get_weights(), second.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
        if a.any():  # biases start at zero whatever the seed
            assert not np.array_equal(a, c)


def test_normalise_small_examples() -> None:
    rois = np.zeros((2, 42, 42, 3), dtype=np.float32)
    rois[0, :, :, 0] = 2.0
    rois[0, 0, 0, 0] = 4.0  # channel 0: min 2, max 4
    rois[0, :, :, 1] = np.arange(42, dtype=np.float32)[:, None] - 10  # rows -10 .. 31
    rois[1] = 5.0  # constant everywhere
    out = normalise(rois)
    assert out.dtype == np.float32 and out.shape == rois.shape
    assert out[0, 0, 0, 0] == 1.0 and out[0, 1, 1, 0] == 0.0
    np.testing.assert_allclose(out[0, :, 0, 1], np.arange(42) / 41, atol=1e-7)
    np.testing.assert_array_equal(out[0, :, :, 2], 0.0)  # all-zero channel
    np.testing.assert_array_equal(out[1], 0.0)


def test_normalise_matches_cv2_per_channel() -> None:
    rng = np.random.default_rng(3)
    rois = (rng.normal(size=(4, 42, 42, 3)) * rng.uniform(1e-3, 50, size=(4, 1, 1, 3))).astype(
        np.float32
    )
    rois[2, :, :, 1] = -1.5  # a constant channel among varying ones
    out = normalise(rois)
    for n in range(len(rois)):
        for c in range(3):
            expected = cv2.normalize(rois[n, :, :, c], None, 0, 1, cv2.NORM_MINMAX)
            np.testing.assert_allclose(out[n, :, :, c], expected, rtol=0, atol=1e-6)


def test_normalise_gives_bit_for_bit_the_extremes_over_each_sample_and_channel() -> None:
    rng = np.random.default_rng(5)
    rois = (rng.normal(size=(12, 42, 42, 3)) * [3.0, 0.2, 1.0]).astype(np.float32)
    rois[3, :, :, 2] = 0.0  # a constant channel
    rois[4, 5:, :, 0] = -0.0  # signed zeros
    rois[5, :20, :, 1] = np.float32(1e-30)
    low = rois.min(axis=(1, 2), keepdims=True).astype(np.float64)
    span = rois.max(axis=(1, 2), keepdims=True).astype(np.float64) - low
    flat = span <= np.finfo(np.float64).eps
    scale = np.where(flat, 0.0, 1.0 / np.where(flat, 1.0, span))
    expected = rois * scale.astype(np.float32) + (-low * scale).astype(np.float32)
    assert normalise(rois).tobytes() == expected.tobytes()


def test_as_streams_splits_channels_in_order() -> None:
    rois = np.arange(2 * 42 * 42 * 3, dtype=np.float32).reshape(2, 42, 42, 3)
    streams = as_streams(rois)
    assert [s.shape for s in streams] == [(2, 42, 42, 1)] * 3
    for c, stream in enumerate(streams):
        np.testing.assert_array_equal(stream[..., 0], rois[..., c])
    with pytest.raises(ValueError, match="42, 42, 3"):
        as_streams(rois[..., :2])


def test_channel_planes_give_the_same_streams_and_normalisation() -> None:
    rois = np.random.default_rng(3).normal(size=(2, 42, 42, 3)).astype(np.float32)
    planes = channel_planes(rois)
    assert planes.shape == (2, 3, 42, 42) and planes.flags.c_contiguous
    for stream, expected in zip(planes_as_streams(planes), as_streams(rois)):
        np.testing.assert_array_equal(stream, expected)
    normalised = normalise_planes(planes)
    assert normalised is planes  # in place
    assert np.moveaxis(planes, 1, -1).tobytes() == normalise(rois).tobytes()
    with pytest.raises(ValueError, match="3, 42, 42"):
        planes_as_streams(rois)
    single = np.ascontiguousarray(rois[..., :1])  # its planes could share its memory
    before = single.copy()
    normalise(single)
    np.testing.assert_array_equal(single, before)


def test_predict_scores_normalises_and_batches(model: keras.Model) -> None:
    rois = np.random.default_rng(5).uniform(-3, 9, size=(5, 42, 42, 3)).astype(np.float32)
    scores = predict_scores(model, rois, batch_size=2)
    assert scores.shape == (5,) and scores.dtype == np.float32
    direct = keras.ops.convert_to_numpy(model(as_streams(normalise(rois)))).reshape(-1)
    np.testing.assert_allclose(scores, direct, atol=1e-6)
    np.testing.assert_allclose(predict_scores(model, rois), scores, atol=1e-6)
    empty = predict_scores(model, np.zeros((0, 42, 42, 3), dtype=np.float32))
    assert empty.shape == (0,) and empty.dtype == np.float32


def test_roi_files_are_scored_in_turn_with_their_names_and_k(model: keras.Model, tmp_path) -> None:
    rng = np.random.default_rng(6)
    files, stacks = [], []
    for subject, video, frames in (("s2", "a", 3), ("s2", "b", 4)):
        rois = rng.uniform(-1, 1, size=(frames, 42, 42, 3)).astype(np.float32)
        files.append(tmp_path / f"{video}.h5")
        with h5py.File(files[-1], "w") as handle:
            handle["roi"] = rois
            handle.attrs.update(subject=subject, video=video, k=frames + 1)
        stacks.append(rois)
    scored = list(score_roi_files([model], files))
    assert [(s, v, k) for s, v, k, _ in scored] == [("s2", "a", 4), ("s2", "b", 5)]
    for (*_, scores), rois in zip(scored, stacks, strict=True):
        assert np.array_equal(scores, predict_scores(model, rois))


def test_each_subject_is_scored_by_its_own_model_and_a_shared_model_loads_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = {name: build_softnet(seed=seed) for name, seed in (("s1", 1), ("final", 2))}
    for name, built in models.items():
        save_checkpoint(built, tmp_path / f"{name}.keras")
    rng = np.random.default_rng(7)
    files, stacks = [], []
    for subject, video in (("s1", "a"), ("s2", "a"), ("s3", "b")):
        stacks.append(rng.uniform(-1, 1, size=(3, 42, 42, 3)).astype(np.float32))
        files.append(tmp_path / f"{subject}_{video}.h5")
        with h5py.File(files[-1], "w") as handle:
            handle["roi"] = stacks[-1]
            handle.attrs.update(subject=subject, video=video, k=4)
    model_of = {"s1": tmp_path / "s1.keras", "s2": tmp_path / "final.keras"}
    model_of["s3"] = tmp_path / "final.keras"
    loads = []
    monkeypatch.setattr(
        "softnet.model.scoring.load_checkpoint",
        lambda path: loads.append(Path(path).name) or load_checkpoint(path),
    )
    scored = list(score_subjects(model_of, files))
    assert loads == ["s1.keras", "final.keras"]
    assert [(s, v, m.stem) for s, v, _, m, _ in scored] == [
        ("s1", "a", "s1"),
        ("s2", "a", "final"),
        ("s3", "b", "final"),
    ]
    for (*_, model_file, scores), rois in zip(scored, stacks, strict=True):
        assert np.array_equal(scores, predict_scores(models[model_file.stem], rois))


@pytest.mark.parametrize("fold", FOLDS)
def test_published_weights_reproduce_expected_scores(fixtures: Path, fold: str) -> None:
    inputs = np.load(fixtures / "inputs.npy")
    expected = json.loads((fixtures / "expected_scores.json").read_text())[f"{fold}.hdf5"]
    model = build_softnet(seed=0)
    load_published_weights(model, fixtures / "CASME_sq" / "micro-expression" / f"{fold}.hdf5")
    scores = keras.ops.convert_to_numpy(model(as_streams(inputs))).reshape(-1)
    np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-4)


def write_weight_file(path: Path, shapes: dict[str, tuple[tuple[int, ...], ...]]) -> None:
    """A Keras-2-style HDF5 weight file holding zeros of the given shapes per layer."""
    with h5py.File(path, "w") as handle:
        for layer, (kernel, bias) in shapes.items():
            group = handle.create_group(layer)
            names = [f"{layer}/kernel:0", f"{layer}/bias:0"]
            group.attrs["weight_names"] = [n.encode() for n in names]
            for name, shape in zip(names, (kernel, bias)):
                group.create_dataset(name, data=np.zeros(shape, dtype=np.float32))


GOOD_SHAPES = {
    "conv2d": ((5, 5, 1, 3), (3,)),
    "conv2d_1": ((5, 5, 1, 5), (5,)),
    "conv2d_2": ((5, 5, 1, 8), (8,)),
    "dense": ((784, 400), (400,)),
    "dense_1": ((400, 1), (1,)),
}


def test_weight_file_written_like_the_published_ones_loads(tmp_path: Path) -> None:
    path = tmp_path / "zeros.hdf5"
    write_weight_file(path, GOOD_SHAPES)
    model = build_softnet(seed=0)
    load_published_weights(model, path)
    assert all(not w.any() for w in model.get_weights())


def test_weight_file_with_other_shapes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wrong.hdf5"
    write_weight_file(path, {**GOOD_SHAPES, "dense": ((1024, 400), (400,))})
    with pytest.raises(WeightFileError, match=r"wrong\.hdf5: layer dense .*\(1024, 400\)"):
        load_published_weights(build_softnet(seed=0), path)


def test_weight_file_missing_a_layer_or_not_hdf5_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "partial.hdf5"
    write_weight_file(path, {k: v for k, v in GOOD_SHAPES.items() if k != "conv2d_2"})
    with pytest.raises(WeightFileError, match=r"partial\.hdf5: no layer conv2d_2"):
        load_published_weights(build_softnet(seed=0), path)
    text = tmp_path / "notes.hdf5"
    text.write_text("not weights")
    with pytest.raises(WeightFileError, match=r"notes\.hdf5: not a readable HDF5"):
        load_published_weights(build_softnet(seed=0), text)


def test_checkpoint_round_trip(tmp_path: Path, model: keras.Model) -> None:
    path = tmp_path / "fold" / "s1.keras"
    save_checkpoint(model, path)
    assert [p.name for p in path.parent.iterdir()] == ["s1.keras"]
    restored = load_checkpoint(path)
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"\.keras format"):
        save_checkpoint(model, tmp_path / "s1.h5")


def test_a_checkpoint_cut_off_while_saving_leaves_no_model_file(
    tmp_path: Path, model: keras.Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    def save_half(self: keras.Model, filepath: str | Path, *args: object, **kwargs: object) -> None:
        Path(filepath).write_bytes(b"PK\x03\x04 half a zip")
        raise OSError("No space left on device")

    monkeypatch.setattr(type(model), "save", save_half)
    with pytest.raises(OSError, match="No space left"):
        save_checkpoint(model, tmp_path / "s1.keras")
    assert list(tmp_path.iterdir()) == []
