"""SOFTNet expression spotting: the logic behind the Snakemake workflow."""

import os
from importlib.metadata import PackageNotFoundError, version

# Before any module imports TensorFlow: drop its C++ INFO and WARNING lines from the jobs'
# logs (the few it prints before its logging starts remain).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

try:
    __version__ = version("softnet-spotting")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
