"""How fast a fold trains, and whether streaming the ROI files slows it.

A fold's SGD steps in the compiled loop fed by the loader, against the same loop on batches
held in memory, and against Keras' `train_on_batch` dispatch on those batches; and, for
comparison only (the workflow has no such setting), XLA-compiled steps on a model with the same
initial weights, and the bare steps (forward, backward, SGD update, no Keras metrics): what no
faithful loop can cut. In this process, in fresh ones side by side (`measure_in_processes`),
as the workflow runs its training jobs, or in one on other TensorFlow kernels
(`tensorflow_process`).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import numpy as np
import tensorflow as tf

from softnet.model import training
from softnet.model.training import Batch, ROIBatches, TrainingParams, start_fold
from softnet.tensorflow_setup import configure_tensorflow, tensorflow_device

if TYPE_CHECKING:
    import keras

Timing = TypeVar("Timing")


@dataclass(frozen=True)
class LoadingTiming:
    """Mean seconds of a fold's SGD step: compiled, fed by the loader and from memory, and
    Keras' `train_on_batch` from memory; XLA-compiled steps and the bare steps from memory."""

    steps: int
    batch_size: int
    step_s_loading: float
    step_s_in_memory: float
    step_s_train_on_batch: float
    step_s_xla_in_memory: float
    step_s_bare_in_memory: float
    #: Reading one batch alone, without training (files open, the fastest round): what the
    #: loader's thread hides.
    load_s: float
    #: Where the steps ran: the GPU, or the CPU with its threads and kernels.
    device: str

    @property
    def ratio(self) -> float:
        """Step time with loading over step time in memory (perf.targets bounds it)."""
        return self.step_s_loading / self.step_s_in_memory

    @property
    def speedup(self) -> float:
        """`train_on_batch`'s step time over the compiled loop's, both from memory."""
        return self.step_s_train_on_batch / self.step_s_in_memory

    @property
    def xla_speedup(self) -> float:
        """The compiled loop's step time over the XLA-compiled one's, both from memory."""
        return self.step_s_in_memory / self.step_s_xla_in_memory

    @property
    def headroom(self) -> float:
        """`train_on_batch`'s step time over the bare steps': the most any faithful loop could
        gain."""
        return self.step_s_train_on_batch / self.step_s_bare_in_memory

    def samples_per_s(self, step_s: float) -> float:
        """Training samples per second at a step time (full batches)."""
        return self.batch_size / step_s


def train_on_batches(
    model: keras.Model, batches: Iterable[Batch]
) -> tuple[list[float], list[float]]:
    """Each batch's loss and mae through Keras' `train_on_batch`, one call per batch: the
    dispatch `CompiledSteps` replaces, for its numbers (the same) and its speed."""
    losses, errors = [], []
    for streams, target in batches:
        loss, mae = model.train_on_batch(streams, target)
        losses.append(float(loss))
        errors.append(float(mae))
    return losses, errors


class BareSteps(training.CompiledSteps):
    """The compiled loop's steps without Keras' metrics: the forward and backward passes and
    the SGD update that every faithful step does, in the same traced loop."""

    def _one_step(self, streams: list[tf.Tensor], target: tf.Tensor) -> dict[str, tf.Tensor]:
        with tf.GradientTape() as tape:
            predicted = self.model(streams, training=True)
            loss = self.model.compute_loss(x=streams, y=target, y_pred=predicted)
        variables = self.model.trainable_variables
        self.model.optimizer.apply(tape.gradient(loss, variables), variables)
        return {"loss": loss, "mae": tf.reduce_mean(tf.abs(target[:, None] - predicted))}


@contextmanager
def without_op_determinism() -> Iterator[None]:
    """TensorFlow's op determinism off for a while: XLA refuses MaxPool's gradient under it;
    on again after, for the faithful loops."""
    from tensorflow.python.framework import config  # the switch has no public "off"

    was_on = config.is_op_determinism_enabled()
    config.disable_op_determinism()
    try:
        yield
    finally:
        if was_on:
            config.enable_op_determinism()


def measure_loading(
    files: list[Path],
    labels: list[np.ndarray],
    expression_type: str,
    params: TrainingParams,
    fold_seed: int,
    steps: int = 200,
    rounds: int = 3,
    traced: Callable[[], object] | None = None,
) -> LoadingTiming:
    """`steps` SGD steps of the fold's model in the compiled loop fed by the prefetching
    loader (epoch after epoch), against the same steps on batches read into memory beforehand
    (at most `steps` of them, not the whole fold), in the compiled loop and through
    `train_on_batch`; XLA-compiled steps and the bare steps from memory; and reading
    the held batches again alone. All are traced before the clocks start (then `traced` is
    called: processes side by side wait there for each other); they take turns for `rounds`
    rounds and each keeps its fastest, as other work on the machine only slows them.
    """
    model, batches = start_fold(files, labels, expression_type, params, fold_seed)
    xla_model = training.build_softnet(seed=params.seed, learning_rate=params.learning_rate)
    with without_op_determinism():  # Keras refuses jit_compile while determinism is on
        xla_model.jit_compile = True  # CompiledSteps then compiles each step with XLA
    if not xla_model.jit_compile:
        raise RuntimeError("Keras refused to XLA-compile SOFTNet's steps")
    compiled = training.CompiledSteps(model)
    xla = training.CompiledSteps(xla_model)
    bare = BareSteps(model)
    try:
        held = [batches.batch(i) for i in range(min(steps, len(batches)))]
        compiled.run(held[:1])
        train_on_batches(model, held[:1])
        with without_op_determinism():
            xla.run(held[:1])
        bare.run(held[:1])
        if traced is not None:
            traced()
        fastest = [float("inf")] * 5
        load_s = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            for index in range(len(held)):
                batches.batch(index)
            load_s = min(load_s, (time.perf_counter() - started) / len(held))
            started = time.perf_counter()
            train_on_batches(model, islice(cycle(held), steps))
            keras_s = time.perf_counter() - started
            started = time.perf_counter()
            compiled.run(islice(cycle(held), steps))
            in_memory = time.perf_counter() - started
            loading = loaded_steps(compiled, batches, steps)
            with without_op_determinism():
                started = time.perf_counter()
                xla.run(islice(cycle(held), steps))
                xla_in_memory = time.perf_counter() - started
            started = time.perf_counter()
            bare.run(islice(cycle(held), steps))
            bare_in_memory = time.perf_counter() - started
            times = (keras_s, in_memory, loading, xla_in_memory, bare_in_memory)
            fastest = [min(a, b) for a, b in zip(fastest, times)]
    finally:
        batches.close()
    keras_s, in_memory, loading, xla_in_memory, bare_in_memory = (t / steps for t in fastest)
    return LoadingTiming(
        steps,
        params.batch_size,
        loading,
        in_memory,
        keras_s,
        xla_in_memory,
        bare_in_memory,
        load_s,
        tensorflow_device(),
    )


class FoldSteps(NamedTuple):
    """What a measurement trains: a fold (as `start_fold` takes it) for `steps` SGD steps."""

    files: list[Path]
    labels: list[np.ndarray]
    expression_type: str
    params: TrainingParams
    fold_seed: int
    steps: int


@dataclass(frozen=True)
class FedTiming:
    """Mean seconds of a fold's SGD step in the compiled loop fed by the loader, timed as a
    whole: beside other jobs, as a training log averages its epochs, not the fastest round."""

    steps: int
    batch_size: int
    step_s: float
    device: str

    @property
    def samples_per_s(self) -> float:
        return self.batch_size / self.step_s


def measure_fed_steps(
    files: list[Path],
    labels: list[np.ndarray],
    expression_type: str,
    params: TrainingParams,
    fold_seed: int,
    steps: int,
    traced: Callable[[], object] | None = None,
) -> FedTiming:
    """`steps` SGD steps of the fold's model in the compiled loop fed by the prefetching loader,
    epoch after epoch, as a training job runs them; traced on one batch first, then `traced`
    is called (processes side by side wait there for each other)."""
    model, batches = start_fold(files, labels, expression_type, params, fold_seed)
    compiled = training.CompiledSteps(model)
    try:
        compiled.run([batches.batch(0)])
        if traced is not None:
            traced()
        seconds = loaded_steps(compiled, batches, steps)
    finally:
        batches.close()
    return FedTiming(steps, params.batch_size, seconds / steps, tensorflow_device())


def measure_in_processes(
    copies: int,
    threads: int,
    measure: Callable[..., Timing],
    fold: FoldSteps,
) -> list[Timing]:
    """`measure(*fold)` (`measure_loading` or `measure_fed_steps`) in `copies` fresh processes
    at once, each TensorFlow on `threads` threads and seeded as a training job, their clocks
    started together once all have traced: as the workflow runs its training jobs side by
    side."""
    context = multiprocessing.get_context("spawn")
    together = context.Barrier(copies)
    results = context.Queue()
    processes = [
        context.Process(target=_measure_here, args=(together, results, threads, measure, fold))
        for _ in range(copies)
    ]
    for process in processes:
        process.start()
    timings: list[Timing] = []
    try:
        while len(timings) < copies:
            try:
                timing = results.get(timeout=10)
            except queue.Empty:
                failed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if failed:
                    together.abort()
                    raise RuntimeError(f"a measuring process died (exit codes {failed})") from None
                continue
            if isinstance(timing, BaseException):
                raise RuntimeError("a measuring process failed") from timing
            timings.append(timing)
    finally:  # the others, even after a failure, stop at the aborted barrier or end
        for process in processes:
            process.join()
    return timings


def _measure_here(together, results, threads: int, measure: Callable, fold: FoldSteps) -> None:
    """One of `measure_in_processes`' processes: puts its timing, or its error, on `results`."""
    try:
        configure_tensorflow(threads, fold.params.seed)
        results.put(measure(*fold, traced=together.wait))
    except BaseException as error:
        together.abort()  # the others stop waiting for this one
        results.put(error)


@contextmanager
def environment_set(variables: dict[str, str]) -> Iterator[None]:
    """These environment variables for processes started meanwhile; restored after."""
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def tensorflow_process(
    threads: int, seed: int, environment: dict[str, str]
) -> Iterator[ProcessPoolExecutor]:
    """A fresh process to run calls in, started with these environment variables (such as
    TensorFlow's kernels, which a running process cannot change), TensorFlow on `threads`
    threads and seeded as a training job."""
    with environment_set(environment):
        pool = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=configure_tensorflow,
            initargs=(threads, seed),
        )
        pool.submit(int).result()  # started while the variables hold
    with pool:
        yield pool


def loaded_steps(compiled: training.CompiledSteps, batches: ROIBatches, steps: int) -> float:
    """Seconds of `steps` compiled SGD steps fed by the prefetching loader, epoch after epoch."""
    loading, done = 0.0, 0
    while done < steps:
        with closing(batches.prefetched()) as loader:
            started = time.perf_counter()
            count = min(steps - done, len(batches))
            compiled.run(islice(loader, count))
            loading += time.perf_counter() - started
            done += count
    return loading
