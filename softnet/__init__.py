"""SOFTNet expression spotting: the logic behind the Snakemake workflow.

One subpackage or module per stage, named like its rule file in rules/:
datasets (the releases, the generic layout, the demo, the index, the events SOFTNet uses),
face (crops and landmarks), flow (TV-L1 and strain, OpenCV and TensorFlow engines), roi,
model (network, folds, training, scoring), spotting, evaluation, reports, applied (models
applied to other videos). Shared leaves: videos (frame sources), cache (HDF5 files),
tensorflow_setup, runlog (job logs), versions (what reruns a stage).
"""

import os
from importlib.metadata import PackageNotFoundError, version

# Registers the HDF5 compression filters of the caches (softnet.cache) with h5py, in every
# process that imports the package: workflow scripts, the flow workers, the training loader
# and the tests. Without it, h5py cannot read a cache tensor written with them.
import hdf5plugin  # noqa: F401

# Before any module imports TensorFlow: drop its C++ INFO and WARNING lines from the jobs'
# logs (the few it prints before its logging starts remain).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Before any module imports TensorFlow, which reads it once: TensorFlow's oneDNN kernels on
# every CPU. On Linux TensorFlow turns them on by itself only on CPUs with AVX-512 VNNI or
# BF16, AVX-VNNI or AMX; elsewhere (an AMD EPYC of Zen 3, say) its Eigen kernels ran
# SOFTNet's training step four times slower. Both repeat themselves bit for bit and differ by
# float rounding, as thread counts do. TF_ENABLE_ONEDNN_OPTS=0 keeps the Eigen kernels.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

try:
    __version__ = version("softnet-spotting")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
