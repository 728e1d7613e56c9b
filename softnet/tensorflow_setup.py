"""How a job starts TensorFlow: its CPU threads, and for training determinism and the seed;
and which device it runs on, for the job's log and the model card.

One place for both TensorFlow stages (the flow's TensorFlow engine, training and scoring).
"""

from __future__ import annotations

import logging

import keras
import tensorflow as tf

log = logging.getLogger(__name__)


def configure_tensorflow(threads: int, seed: int | None = None) -> None:
    """TensorFlow on `threads` CPU threads; with a seed also deterministic, so that the same
    inputs give the same model. Thread counts can only be set before TensorFlow runs."""
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # TensorFlow already running in this process: keep its pools
        log.warning("TensorFlow already running: thread counts left as they are")
    if seed is not None:
        tf.config.experimental.enable_op_determinism()
        keras.utils.set_random_seed(seed)


def onednn_kernels() -> bool:
    """Whether this process's TensorFlow runs its oneDNN CPU kernels (softnet/__init__.py
    turns them on unless TF_ENABLE_ONEDNN_OPTS says otherwise), not its Eigen ones."""
    from tensorflow.python.util import _pywrap_util_port  # not in its public API

    return bool(_pywrap_util_port.IsMklEnabled())


def tensorflow_device() -> str:
    """Where TensorFlow places this process's ops: its first GPU where it sees one (TensorFlow's
    default placement), else the CPU with its thread count and kernels, which decide its speed
    and, by float rounding, its numbers."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
        return f"GPU ({name})"
    threads = tf.config.threading.get_intra_op_parallelism_threads()
    cores = f"{threads} thread{'s' * (threads > 1)}" if threads else "all cores"
    return f"CPU ({cores}, {'oneDNN' if onednn_kernels() else 'Eigen'} kernels)"
