"""SOFTNet expression spotting: the logic behind the Snakemake workflow."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("softnet-spotting")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
