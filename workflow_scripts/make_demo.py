"""Make the synthetic demo dataset in the CAS(ME)^2 layout."""

from pathlib import Path

from softnet.datasets.demo import make_demo
from softnet.runlog import log_to

log_to(snakemake.log[0])
demo = snakemake.params.demo
make_demo(
    Path(snakemake.output.workbook).parent,
    subjects=demo["subjects"],
    frames=demo["frames"],
    seed=demo["seed"],
    without_micro=demo["subjects_without_micro"],
)
