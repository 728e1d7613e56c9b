"""TV-L1 optical flow in TensorFlow: OpenCV's DualTVL1OpticalFlow on batches of frame pairs.

TV-L1 is nearly all of the workflow's cost and OpenCV's CUDA TV-L1 is in no pip wheel, so this
engine runs the same algorithm with TensorFlow (already a dependency), on a GPU when one is
visible, many pairs of a video at once, compiled with XLA.

It follows the CPU path of opencv_contrib's optflow/src/tvl1flow.cpp step by step:
- Pyramid: level s + 1 is cv2.resize(level s, fx = fy = scale_step, INTER_LINEAR), each side
  round(n * scale_step); it stops before a level with a side under 16 pixels.
- Per level, coarse to fine: centred gradients of I1 (half one-sided differences at the
  borders); the dual variables start at zero. Each warp samples I1 and its gradients at x + u
  (cv2.remap INTER_CUBIC, zero outside the image), then runs up to outer x inner iterations of
  the thresholding step, the primal step (divergence of the dual variables) and the dual step
  (forward differences). The flow is median filtered before each outer iteration. A warp ends
  for a pair once the summed squared change of its flow is no more than epsilon^2 x pixels.
- The flow goes to the next finer level by INTER_LINEAR resizing, times 1 / scale_step.

TV-L1 turns a one-ulp difference in one step into flow differences of ~0.01 px after the
pyramid, so every step repeats OpenCV 5's float32 operations in their order: its resize and
remap weights and fused multiply-adds (probed with cv2 calls), products rounded on their own
elsewhere. That includes the stopping rule: OpenCV adds a pair's squared flow changes one pixel
at a time, in row order, in float32, and a pair whose sum lies within that sum's rounding of
epsilon would otherwise stop one iteration apart. One thing is not repeated: OpenCV 4's remap,
which rounds sample positions to 1/32 pixel.

Each pair carries its own stopping state and a stopped pair's variables are frozen, so a pair's
flow does not depend on the other pairs in its batch.
"""

from __future__ import annotations

import functools
import itertools
import logging
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h5py
import numpy as np
import tensorflow as tf

from softnet.flow.tvl1 import TVL1Params
from softnet.tensorflow_setup import configure_tensorflow

log = logging.getLogger(__name__)

#: OpenCV stops the pyramid before a level with a side under this many pixels.
MIN_LEVEL_SIDE = 16
#: float32's machine epsilon: estimateV divides by |grad I1|^2 only above it.
FLT_EPSILON = float(np.finfo(np.float32).eps)
#: float32's unit roundoff: the most relative error one float32 addition makes.
UNIT_ROUNDOFF = 2.0**-24
#: Values added per step of the sequential float32 sum (unrolled in the compiled loop).
SUM_CHUNK = 64


def pyramid_sizes(height: int, width: int, params: TVL1Params) -> list[tuple[int, int]]:
    """(height, width) of each level, finest first, as OpenCV sizes them.

    cv2.resize with fx = fy rounds n * scale_step half to even, as Python's round() does.
    """
    sizes = [(height, width)]
    for _ in range(1, params.nscales):
        h, w = (round(n * params.scale_step) for n in sizes[-1])
        if h < MIN_LEVEL_SIDE or w < MIN_LEVEL_SIDE:
            break
        sizes.append((h, w))
    return sizes


def _linear_taps(n_out: int, n_in: int, scale: float) -> tuple[np.ndarray, ...]:
    """Source indices and weight of INTER_LINEAR resizing along one axis.

    OpenCV maps output pixel d to (d + 0.5) * scale - 0.5 in double, rounds the fraction (not
    the position) to float, and replicates the edge pixels beyond the borders.
    """
    position = (np.arange(n_out) + 0.5) * scale - 0.5
    low = np.floor(position).astype(np.int64)
    weight = (position - low).astype(np.float32)
    weight[(low < 0) | (low >= n_in - 1)] = 0
    low = np.clip(low, 0, n_in - 1)
    return low, np.minimum(low + 1, n_in - 1), weight


def _lerp(low: tf.Tensor, high: tf.Tensor, weight: np.ndarray) -> tf.Tensor:
    """low + (high - low) * weight with one rounding, as OpenCV's fused multiply-add gives."""
    step = tf.cast(high - low, tf.float64) * weight.astype(np.float64)
    return tf.cast(step + tf.cast(low, tf.float64), tf.float32)


def _resize(images: tf.Tensor, size: tuple[int, int], scale: tuple[float, float]) -> tf.Tensor:
    """cv2.resize(INTER_LINEAR) of (B, H, W) float32 images, `scale` = source px per output px."""
    _, height, width = images.shape
    low, high, weight = _linear_taps(size[1], width, scale[1])
    rows = _lerp(tf.gather(images, low, axis=2), tf.gather(images, high, axis=2), weight)
    low, high, weight = _linear_taps(size[0], height, scale[0])
    return _lerp(tf.gather(rows, low, axis=1), tf.gather(rows, high, axis=1), weight[:, None])


def _edge_pad(images: tf.Tensor, pad: int) -> tf.Tensor:
    """(B, H, W) images with `pad` replicated edge pixels on each side (BORDER_REPLICATE)."""
    for _ in range(pad):  # a one-pixel SYMMETRIC pad repeats the edge pixel
        images = tf.pad(images, [[0, 0], [1, 1], [1, 1]], mode="SYMMETRIC")
    return images


def _centred_gradient(images: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Half central differences; at the borders half the one-sided difference (tvl1flow.cpp)."""
    padded = _edge_pad(images, 1)
    dx = 0.5 * (padded[:, 1:-1, 2:] - padded[:, 1:-1, :-2])
    dy = 0.5 * (padded[:, 2:, 1:-1] - padded[:, :-2, 1:-1])
    return dx, dy


def _forward_gradient(field: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Forward differences, zero in the last column (dx) and last row (dy)."""
    padded = _edge_pad(field, 1)
    return (
        padded[:, 1:-1, 2:] - padded[:, 1:-1, 1:-1],
        padded[:, 2:, 1:-1] - padded[:, 1:-1, 1:-1],
    )


def _divergence(px: tf.Tensor, py: tf.Tensor) -> tf.Tensor:
    """Backward-difference divergence with zero dual variables outside the image.

    OpenCV sums the first column as (px + py) - py_above; the rest as (px - px_left) +
    (py - py_above). Both orders are kept: they round differently.
    """
    zero_col = tf.zeros_like(px[:, :, :1])
    zero_row = tf.zeros_like(py[:, :1, :])
    px_left = tf.concat([zero_col, px[:, :, :-1]], axis=2)
    py_above = tf.concat([zero_row, py[:, :-1, :]], axis=1)
    body = (px - px_left) + (py - py_above)
    first_col = (px[:, :, :1] + py[:, :, :1]) - py_above[:, :, :1]
    return tf.concat([first_col, body[:, :, 1:]], axis=2)


def _hypot(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """sqrt(x^2 + y^2) rounded once to float32, as C's hypot is."""
    x64, y64 = tf.cast(x, tf.float64), tf.cast(y, tf.float64)
    return tf.cast(tf.sqrt(x64 * x64 + y64 * y64), tf.float32)


def _fma(a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) -> tf.Tensor:
    """a * b + c rounded once to float32, as a fused multiply-add is (the product of two
    float32 values is exact in float64)."""
    wide = tf.cast(a, tf.float64) * tf.cast(b, tf.float64) + tf.cast(c, tf.float64)
    return tf.cast(wide, tf.float32)


def _mul(a: tf.Tensor, b: tf.Tensor, seal: tf.Tensor) -> tf.Tensor:
    """a * b rounded to float32 on its own, as OpenCV's TV-L1 loops round every product.

    XLA's compilers (CPU and GPU) fuse a product and the sum it feeds into one multiply-add,
    whatever precision the product is written in. OR-ing the product's bits with `seal`, a
    zero that is only known when the graph runs, keeps the two operations apart.
    """
    bits = tf.bitwise.bitwise_or(tf.bitcast(a * b, tf.int32), seal)
    return tf.bitcast(bits, tf.float32)


def _cubic_weights(x: tf.Tensor, seal: tf.Tensor) -> list[tf.Tensor]:
    """Keys' cubic weights (A = -0.75) of the taps at offsets -1 .. 2 from floor(position).

    In the factored forms and operation order of OpenCV 5's remap, found by probing cv2.remap
    with unit impulses; they reproduce its weights bit for bit.
    """
    a = np.float32(-0.75)
    rest = 1.0 - x
    square = x * x
    w0 = _mul(a, (rest * rest) * x, seal)
    w1 = _fma(_fma(a + 2, x, -(a + 3)), square, 1.0)
    w3 = _mul(a, square * rest, seal)
    w2 = ((1.0 - w0) - w1) - w3
    return [w0, w1, w2, w3]


def _weighted_sum(values: list[tf.Tensor], weights: list[tf.Tensor]) -> tf.Tensor:
    """v0 w0 + v1 w1 + v2 w2 + v3 w3, accumulated left to right with fused multiply-adds."""
    total = values[0] * weights[0]
    for value, weight in zip(values[1:], weights[1:]):
        total = _fma(value, weight, total)
    return total


def _bicubic_sample(images: tf.Tensor, u1: tf.Tensor, u2: tf.Tensor, seal: tf.Tensor) -> tf.Tensor:
    """cv2.remap(INTER_CUBIC, BORDER_CONSTANT 0) of (B, H, W, C) images at (x + u1, y + u2).

    OpenCV 5 samples at the float coordinates (no 1/32-pixel table, unlike OpenCV 4), sums
    each row of 4 taps, then the 4 rows; taps outside the image count as 0. Coordinates far
    outside are clamped to where every tap is outside, which keeps the integer indices small
    without changing any result.
    """
    batch, height, width, channels = images.shape
    cols = tf.range(width, dtype=tf.float32)[None, None, :]
    rows = tf.range(height, dtype=tf.float32)[None, :, None]
    x = tf.clip_by_value(cols + u1, -3.0, width + 1.0)
    y = tf.clip_by_value(rows + u2, -3.0, height + 1.0)
    x0, y0 = tf.floor(x), tf.floor(y)
    offsets = tf.range(-1, 3)
    tap_x = tf.cast(x0, tf.int32)[..., None] + offsets  # (B, H, W, 4)
    tap_y = tf.cast(y0, tf.int32)[..., None] + offsets
    inside = ((tap_y >= 0) & (tap_y < height))[..., :, None] & ((tap_x >= 0) & (tap_x < width))[
        ..., None, :
    ]
    flat = (
        tf.clip_by_value(tap_y, 0, height - 1)[..., :, None] * width
        + tf.clip_by_value(tap_x, 0, width - 1)[..., None, :]
    )  # (B, H, W, 4 rows, 4 columns)
    taps = tf.gather(
        tf.reshape(images, [batch, height * width, channels]),
        tf.reshape(flat, [batch, -1]),
        batch_dims=1,
    )
    taps = tf.reshape(taps, [batch, height, width, 4, 4, channels])
    taps = tf.where(inside[..., None], taps, tf.zeros_like(taps))
    wx = [w[..., None] for w in _cubic_weights(x - x0, seal)]
    wy = [w[..., None] for w in _cubic_weights(y - y0, seal)]
    across = [_weighted_sum([taps[..., i, j, :] for j in range(4)], wx) for i in range(4)]
    return _weighted_sum(across, wy)


@functools.cache
def _median_network(count: int) -> tuple[tuple[tuple[str, int, int], ...], int]:
    """Min/max steps that leave the median of `count` (odd) values, and the step that holds it.

    Batcher's odd-even merge sort of the next power of two, with +inf in the extra inputs;
    comparisons with a known +inf are dropped and only the steps the median depends on are
    kept. Step i reads inputs 0 .. count-1 and earlier steps' results as count + j.
    """
    size = 1 << (count - 1).bit_length()
    pairs = []
    block = 1
    while block < size:
        gap = block
        while gap >= 1:
            for start in range(gap % block, size - gap, 2 * gap):
                for i in range(min(gap, size - start - gap)):
                    low, high = i + start, i + start + gap
                    if low // (2 * block) == high // (2 * block):
                        pairs.append((low, high))
            gap //= 2
        block *= 2
    wires: list[int | None] = [*range(count), *([None] * (size - count))]
    steps: list[tuple[str, int, int]] = []
    for low, high in pairs:
        a, b = wires[low], wires[high]
        if a is None or b is None:  # one +inf: the finite value moves to the low wire
            wires[low], wires[high] = (b, a) if a is None else (a, b)
            continue
        steps += [("min", a, b), ("max", a, b)]
        wires[low], wires[high] = count + len(steps) - 2, count + len(steps) - 1
    needed, stack = set(), [wires[count // 2]]
    while stack:
        node = stack.pop()
        if node >= count and node not in needed:
            needed.add(node)
            stack += steps[node - count][1:]
    kept = {node: count + i for i, node in enumerate(sorted(needed))}
    pruned = tuple(
        (op, kept.get(a, a), kept.get(b, b))
        for node, (op, a, b) in enumerate(steps, start=count)
        if node in needed
    )
    return pruned, kept[wires[count // 2]]


def _median_filter(images: tf.Tensor, size: int) -> tf.Tensor:
    """cv2.medianBlur of float32 (B, H, W) images: exact median, edge pixels replicated."""
    half = size // 2
    padded = _edge_pad(images, half)
    _, height, width = images.shape
    values = [padded[:, i : i + height, j : j + width] for i in range(size) for j in range(size)]
    steps, result = _median_network(size * size)
    for op, a, b in steps:
        values.append(
            tf.minimum(values[a], values[b]) if op == "min" else tf.maximum(values[a], values[b])
        )
    return values[result]


def _sequential_sum(terms: tf.Tensor) -> tf.Tensor:
    """float32 sum of each row of (B, N) non-negative `terms`, added one at a time from the left,
    as a C loop `float sum = 0; sum += term;` adds them (zeros pad the last chunk: adding 0
    leaves a non-negative sum as it is)."""
    batch, count = terms.shape
    chunks = -(-count // SUM_CHUNK)
    padded = tf.pad(terms, [[0, 0], [0, chunks * SUM_CHUNK - count]])
    blocks = tf.reshape(padded, [batch, chunks, SUM_CHUNK])

    def add_chunk(i: tf.Tensor, total: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        block = tf.gather(blocks, i, axis=1)
        for j in range(SUM_CHUNK):
            total = total + block[:, j]
        return i + 1, total

    state = (tf.constant(0), tf.zeros([batch], tf.float32))
    return tf.while_loop(lambda i, _: i < chunks, add_chunk, state)[1]


def _opencv_error(change: tf.Tensor, stop: np.float32, active: tf.Tensor) -> tf.Tensor:
    """estimateU's error of each pair: the float32 sum of its (H, W) `change`, pixel by pixel in
    row order, or a value on the same side of `stop` (the error only meets `error > stop`).

    The sequential sum takes H x W dependent steps, so the float64 sum decides unless it lies
    within the float32 sum's rounding bound of `stop` for an active pair; only then is the
    sequential sum computed. The bound (recursive summation): each addition errs by at most
    u |partial sum|, and term j is in the partial sums j .. N-1, so |error| <= u / (1 - N u)
    sum_j (N - j) term_j; the exact sum's own float64 rounding is far below the 1 % margin.
    """
    batch, height, width = change.shape
    count = height * width
    terms = tf.reshape(change, [batch, count])
    wide = tf.cast(terms, tf.float64)
    total = tf.reduce_sum(wide, axis=1)
    weights = np.arange(count, 0, -1, dtype=np.float64)
    margin = 1.01 * UNIT_ROUNDOFF / (1 - count * UNIT_ROUNDOFF)
    bound = margin * tf.reduce_sum(wide * weights, axis=1)
    near = active & (tf.abs(total - np.float64(stop)) <= bound)
    rounded = tf.cast(total, tf.float32)  # within u of the sum: on its side of stop
    return tf.cond(
        tf.reduce_any(near),
        lambda: tf.where(near, _sequential_sum(terms), rounded),
        lambda: rounded,
    )


def default_device() -> str:
    """TensorFlow's name of the device the engine runs on: the first GPU, else the CPU."""
    gpus = tf.config.list_logical_devices("GPU")
    return gpus[0].name if gpus else tf.config.list_logical_devices("CPU")[0].name


def describe_device(device: str) -> str:
    """The device's name with its model for a GPU, e.g. for the flow files' provenance."""
    if "GPU" not in device.upper():
        return device
    index = int(device.rsplit(":", 1)[1])
    details = tf.config.experimental.get_device_details(
        tf.config.list_physical_devices("GPU")[index]
    )
    return f"{device} ({details.get('device_name', 'unknown model')})"


def prepare(threads: int) -> str:
    """TensorFlow on `threads` CPU threads; the device the engine runs on, described."""
    configure_tensorflow(threads)
    return describe_device(default_device())


class TensorFlowTVL1:
    """DualTVL1OpticalFlow with the given parameters, for batches of equal-sized pairs.

    Each new batch shape is traced and compiled once (tens of seconds on a small CPU), so
    callers keep the batch size fixed and pad the last batch.
    """

    def __init__(self, params: TVL1Params, device: str | None = None) -> None:
        if params.gamma != 0:
            raise ValueError("the tensorflow engine implements gamma = 0 (OpenCV's default) only")
        if params.median_filtering > 1 and params.median_filtering not in (3, 5):
            raise ValueError(
                "median_filtering must be 1 (off), 3 or 5: OpenCV's medianBlur takes no other "
                "size for float flow"
            )
        self.params = params
        self.device = device or default_device()
        self._flow = tf.function(self._flow_graph, jit_compile=True)

    def calc(self, first: np.ndarray | tf.Tensor, second: np.ndarray | tf.Tensor) -> np.ndarray:
        """(B, H, W, 2) float32 flow from each image of `first` to the same one of `second`.

        Inputs are (B, H, W) grey images, uint8 (as the crops are) or float32 on 0 .. 255.
        """
        with tf.device(self.device):
            first = tf.cast(first, tf.float32)
            second = tf.cast(second, tf.float32)
            if len(first.shape) != 3 or first.shape != second.shape:
                raise ValueError(f"need two (B, H, W) batches, got {first.shape}, {second.shape}")
            return self._flow(first, second, tf.constant(0)).numpy()

    def _flow_graph(self, i0: tf.Tensor, i1: tf.Tensor, seal: tf.Tensor) -> tf.Tensor:
        params = self.params
        batch, height, width = i0.shape
        sizes = pyramid_sizes(height, width, params)
        scale = 1.0 / params.scale_step  # cv2.resize with fx given maps by exactly 1 / fx
        firsts, seconds = [i0], [i1]
        for size in sizes[1:]:
            firsts.append(_resize(firsts[-1], size, (scale, scale)))
            seconds.append(_resize(seconds[-1], size, (scale, scale)))
        u1 = tf.zeros([batch, *sizes[-1]], tf.float32)
        u2 = tf.zeros_like(u1)
        for level in range(len(sizes) - 1, -1, -1):
            u1, u2 = self._solve_level(firsts[level], seconds[level], u1, u2, seal)
            if level:
                finer = sizes[level - 1]
                # given dsize, cv2.resize maps by 1 / (dst / src), in double
                ratio = tuple(1.0 / (f / c) for f, c in zip(finer, sizes[level]))
                zoom = np.float32(1.0 / params.scale_step)
                u1 = _mul(_resize(u1, finer, ratio), zoom, seal)
                u2 = _mul(_resize(u2, finer, ratio), zoom, seal)
        return tf.stack([u1, u2], axis=-1)

    def _solve_level(
        self, i0: tf.Tensor, i1: tf.Tensor, u1: tf.Tensor, u2: tf.Tensor, seal: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor]:
        """procOneScale: every warp of one pyramid level, each pair stopping on its own."""
        params = self.params
        batch, height, width = i0.shape
        stop = np.float32(params.epsilon * params.epsilon * (height * width))
        i1x, i1y = _centred_gradient(i1)
        sources = tf.stack([i1, i1x, i1y], axis=-1)

        def running(n, error, *_):
            return (n < params.outer_iterations * params.inner_iterations) & tf.reduce_any(
                error > stop
            )

        def iterate(n, error, flow, duals, warped):
            active = error > stop
            keep = active[:, None, None]
            if params.median_filtering > 1:
                flow = tf.cond(
                    n % params.inner_iterations == 0,
                    lambda: self._median(keep, flow),
                    lambda: flow,
                )
            new_flow, change, new_duals = self._iteration(flow, duals, warped, seal)
            return (
                n + 1,
                tf.where(active, _opencv_error(change, stop, active), error),
                tuple(tf.where(keep, new, old) for new, old in zip(new_flow, flow)),
                tuple(tf.where(keep, new, old) for new, old in zip(new_duals, duals)),
                warped,
            )

        def warp(w, flow, duals):
            sampled = _bicubic_sample(sources, *flow, seal)
            i1w, i1wx, i1wy = sampled[..., 0], sampled[..., 1], sampled[..., 2]
            grad = _mul(i1wx, i1wx, seal) + _mul(i1wy, i1wy, seal)
            rho_c = i1w - _mul(i1wx, flow[0], seal) - _mul(i1wy, flow[1], seal) - i0
            error = tf.fill([batch], np.float32(np.finfo(np.float32).max))
            state = (tf.constant(0), error, flow, duals, (i1wx, i1wy, grad, rho_c))
            _, _, flow, duals, _ = tf.while_loop(running, iterate, state)
            return w + 1, flow, duals

        zeros = tf.zeros_like(u1)
        state = (tf.constant(0), (u1, u2), (zeros,) * 4)
        _, flow, _ = tf.while_loop(lambda w, *_: w < params.warps, warp, state)
        return flow

    def _iteration(
        self,
        flow: tuple[tf.Tensor, ...],
        duals: tuple[tf.Tensor, ...],
        warped: tuple[tf.Tensor, ...],
        seal: tf.Tensor,
    ) -> tuple[tuple[tf.Tensor, ...], tf.Tensor, tuple[tf.Tensor, ...]]:
        """One inner iteration: estimateV, the divergence, estimateU (with the squared change
        of the flow at each pixel) and estimateDualVariables, in OpenCV's operation order."""
        params = self.params
        l_t = np.float32(params.lambda_ * params.theta)
        taut = np.float32(params.tau / params.theta)
        theta = np.float32(params.theta)
        i1wx, i1wy, grad, rho_c = warped
        u1, u2 = flow
        rho = rho_c + (_mul(i1wx, u1, seal) + _mul(i1wy, u2, seal))
        bound = l_t * grad
        # OpenCV divides only where |grad I1|^2 > FLT_EPSILON; elsewhere that step is 0
        fi = -rho / tf.where(grad > FLT_EPSILON, grad, 1.0)
        new_flow, gradients = [], []
        for u, slope, (px, py) in zip(flow, (i1wx, i1wy), (duals[:2], duals[2:])):
            step = tf.where(
                rho < -bound,
                _mul(l_t, slope, seal),
                tf.where(
                    rho > bound,
                    _mul(-l_t, slope, seal),
                    tf.where(grad > FLT_EPSILON, _mul(fi, slope, seal), 0.0),
                ),
            )
            new_u = (u + step) + _mul(theta, _divergence(px, py), seal)
            new_flow.append(new_u)
            gradients.append(_forward_gradient(new_u))
        change = _mul(new_flow[0] - u1, new_flow[0] - u1, seal) + _mul(
            new_flow[1] - u2, new_flow[1] - u2, seal
        )
        new_duals = []
        for (ux, uy), (px, py) in zip(gradients, (duals[:2], duals[2:])):
            norm = 1.0 + _mul(taut, _hypot(ux, uy), seal)
            new_duals += [(px + _mul(taut, ux, seal)) / norm, (py + _mul(taut, uy, seal)) / norm]
        return tuple(new_flow), change, tuple(new_duals)

    def _median(self, keep: tf.Tensor, flow: tuple[tf.Tensor, ...]) -> tuple[tf.Tensor, ...]:
        """Median-filtered flow of the pairs still iterating; the others' flow unchanged."""
        filtered = _median_filter(tf.concat(flow, axis=0), self.params.median_filtering)
        halves = tf.split(filtered, len(flow), axis=0)
        return tuple(tf.where(keep, new, old) for new, old in zip(halves, flow))


@functools.cache
def shared_engine(params: TVL1Params, device: str) -> TensorFlowTVL1:
    """One engine per parameters and device, so that a process compiles each shape once."""
    return TensorFlowTVL1(params, device)


def streams_for(device: str, threads: int) -> int:
    """Batches computed at once: one per CPU thread (XLA runs a small batch on one thread, so
    concurrent batches fill the cores better than one wide batch), one on a GPU."""
    return 1 if "GPU" in device.upper() else max(1, threads)


def iter_flow(
    face_path: Path,
    k: int,
    params: TVL1Params,
    threads: int,
    batch_size: int,
    device: str | None = None,
) -> Iterator[np.ndarray]:
    """(H, W, 2) flows of pairs t = 0 .. T-k-1 in order, computed `batch_size` pairs at a time.

    The crops go to the device once; each batch gathers its pairs there. On the CPU `threads`
    batches compute at once; one more waits while the caller handles the oldest, and the last
    batch is padded with repeats of its last pair so that one compiled shape serves the video.
    """
    with h5py.File(face_path, "r") as handle:
        crops = handle["crops"][()]
    pairs = len(crops) - k
    if pairs <= 0:
        raise ValueError(f"{face_path}: {len(crops)} frames are too few for k = {k}")
    engine = shared_engine(params, device or default_device())
    batch = min(batch_size, pairs)
    streams = streams_for(engine.device, threads)
    log.info(
        "%s: %d pairs in batches of %d on %s, %d at once",
        face_path,
        pairs,
        batch,
        engine.device,
        streams,
    )
    with tf.device(engine.device):
        frames = tf.constant(crops.astype(np.float32))

    def run(start: int) -> np.ndarray:
        index = np.minimum(np.arange(start, start + batch), pairs - 1)
        with tf.device(engine.device):
            first, second = tf.gather(frames, index), tf.gather(frames, index + k)
        return engine.calc(first, second)[: pairs - start]

    started = time.monotonic()
    starts = iter(range(0, pairs, batch))
    with ThreadPoolExecutor(streams) as pool:
        pending = deque(pool.submit(run, start) for start in itertools.islice(starts, streams + 1))
        first = True
        while pending:
            flows = pending.popleft().result()
            if first:
                log.info(
                    "first batch in %.1f s (tracing, compiling or loading the compiled program, "
                    "computing)",
                    time.monotonic() - started,
                )
                first = False
            pending.extend(pool.submit(run, start) for start in itertools.islice(starts, 1))
            yield from flows
