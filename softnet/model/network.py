"""The SOFTNet network (docs/method.md, step 5), its input preparation and its weight files.

Layer names are fixed rather than left to Keras' session-wide counters, because the authors'
published weight files and our own checkpoints are matched to the model by those names.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import keras
import numpy as np

ROI_SHAPE = (42, 42, 1)


STREAMS = ("u", "v", "strain")


FILTERS = (3, 5, 8)


LEARNING_RATE = 0.0005


#: Layers that hold weights, in the order of the published files.
WEIGHT_LAYERS = ("conv2d", "conv2d_1", "conv2d_2", "dense", "dense_1")


# cv2.normalize treats a range up to DBL_EPSILON as constant and maps it to alpha (0).
_CV2_FLAT_RANGE = np.finfo(np.float64).eps


class WeightFileError(ValueError):
    """A weight file that does not hold the SOFTNet layers with the expected shapes."""


def _initializers(seed: int | None) -> list[dict[str, keras.initializers.Initializer]]:
    """Kernel and bias initializers for each weight layer: Keras' defaults, seeded per layer.

    Each layer gets its own seed derived from `seed`, so layers of equal shape do not start
    equal while every model built with the same seed starts identical (one start for all folds).
    """
    if seed is None:
        seeds: list[int | None] = [None] * len(WEIGHT_LAYERS)
    else:
        seeds = [int(s) for s in np.random.SeedSequence(seed).generate_state(len(WEIGHT_LAYERS))]
    return [
        {
            "kernel_initializer": keras.initializers.GlorotUniform(seed=s),
            "bias_initializer": keras.initializers.Zeros(),
        }
        for s in seeds
    ]


def build_softnet(seed: int | None = None, learning_rate: float = LEARNING_RATE) -> keras.Model:
    """The compiled three-stream SOFTNet; the same `seed` always gives the same initial weights."""
    init = _initializers(seed)
    inputs, pooled = [], []
    for index, filters in enumerate(FILTERS):
        suffix = f"_{index}" if index else ""
        tensor = keras.Input(shape=ROI_SHAPE, name=f"input_{index + 1}")
        inputs.append(tensor)
        conv = keras.layers.Conv2D(
            filters,
            (5, 5),
            padding="same",
            activation="relu",
            name=f"conv2d{suffix}",
            **init[index],
        )(tensor)
        pooled.append(
            keras.layers.MaxPooling2D((3, 3), strides=3, name=f"max_pooling2d{suffix}")(conv)
        )
    merged = keras.layers.Concatenate(name="concatenate")(pooled)
    merged = keras.layers.MaxPooling2D((2, 2), strides=2, name="max_pooling2d_3")(merged)
    flat = keras.layers.Flatten(name="flatten")(merged)
    hidden = keras.layers.Dense(400, activation="relu", name="dense", **init[3])(flat)
    score = keras.layers.Dense(1, activation="linear", name="dense_1", **init[4])(hidden)
    model = keras.Model(inputs=inputs, outputs=score, name="softnet")
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss="mse",
        metrics=["mae"],
    )
    return model


def channel_planes(rois: np.ndarray) -> np.ndarray:
    """(N, H, W, C) ROI stacks as a contiguous float32 (N, C, H, W) copy: per-channel
    arithmetic then runs along contiguous rows, several times faster than across a short
    last axis."""
    return np.array(np.moveaxis(rois, -1, 1), dtype=np.float32, order="C", copy=True)


def normalise_planes(planes: np.ndarray) -> np.ndarray:
    """Min-max normalise each (N, C, H, W) sample's each channel plane to [0, 1] in place, as
    cv2.normalize NORM_MINMAX does; returns `planes`.

    Like OpenCV, the scale and shift are computed in float64 and applied in float32 (a
    product, then a sum, each rounded), and a constant channel becomes all zeros.
    """
    count, channels = planes.shape[:2]
    flat_planes = planes.reshape(count, channels, -1)
    low = flat_planes.min(axis=-1).astype(np.float64)
    span = flat_planes.max(axis=-1).astype(np.float64) - low
    flat = span <= _CV2_FLAT_RANGE
    scale = np.where(flat, 0.0, 1.0 / np.where(flat, 1.0, span))
    shift = -low * scale
    flat_planes *= scale.astype(np.float32)[..., None]
    flat_planes += shift.astype(np.float32)[..., None]
    return planes


def normalise(rois: np.ndarray) -> np.ndarray:
    """(N, 42, 42, 3) ROI stacks, each sample's each channel min-max normalised to [0, 1]."""
    planes = normalise_planes(channel_planes(rois))
    return np.ascontiguousarray(np.moveaxis(planes, 1, -1))


def planes_as_streams(planes: np.ndarray) -> list[np.ndarray]:
    """(N, 3, 42, 42) channel planes as the model's u, v and strain inputs (N, 42, 42, 1)."""
    if planes.ndim != 4 or planes.shape[1] != len(STREAMS):
        raise ValueError(f"expected channel planes of shape (N, 3, 42, 42), got {planes.shape}")
    return [planes[:, c, :, :, None] for c in range(len(STREAMS))]


def as_streams(rois: np.ndarray) -> list[np.ndarray]:
    """Split (N, 42, 42, 3) ROI stacks into the model's u, v and strain inputs (N, 42, 42, 1)."""
    if rois.ndim != 4 or rois.shape[-1] != len(STREAMS):
        raise ValueError(f"expected ROI stacks of shape (N, 42, 42, 3), got {rois.shape}")
    return [rois[..., c : c + 1] for c in range(len(STREAMS))]


def load_published_weights(model: keras.Model, path: str | os.PathLike) -> None:
    """Load one of the authors' Keras 2 HDF5 weight files, matching layers by name.

    Keras 3's `load_weights` matches legacy files by layer order instead; reading by name
    makes a wrong or foreign file fail with the layer and shapes at fault.
    """
    path = Path(path)
    try:
        handle = h5py.File(path, "r")
    except OSError as err:
        raise WeightFileError(f"{path}: not a readable HDF5 weight file ({err})") from err
    with handle:
        weights = {name: _read_layer(handle, name, path) for name in WEIGHT_LAYERS}
    for name, arrays in weights.items():
        layer = model.get_layer(name)
        expected = [tuple(w.shape) for w in layer.weights]
        found = [a.shape for a in arrays]
        if found != expected:
            raise WeightFileError(
                f"{path}: layer {name} holds weights of shapes {found}, the model needs {expected}"
            )
        layer.set_weights(arrays)


def _read_layer(handle: h5py.File, name: str, path: Path) -> list[np.ndarray]:
    """A layer's kernel and bias, in the order its `weight_names` attribute lists them."""
    if name not in handle:
        raise WeightFileError(f"{path}: no layer {name} (file holds {sorted(handle)})")
    group = handle[name]
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in group.attrs["weight_names"]]
    if len(names) != 2:
        raise WeightFileError(f"{path}: layer {name} holds {names}, expected a kernel and a bias")
    return [np.asarray(group[n], dtype=np.float32) for n in names]


def save_checkpoint(model: keras.Model, path: str | os.PathLike) -> None:
    """Save a trained model as .keras under a temporary name, renamed once complete."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"{path}: checkpoints use the .keras format")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.keras")
    try:
        model.save(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def load_checkpoint(path: str | os.PathLike) -> keras.Model:
    """A model saved by `save_checkpoint`, compiled as it was saved."""
    return keras.models.load_model(Path(path))
