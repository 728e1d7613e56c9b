"""Training loss per epoch of every LOSO fold of one dataset and type."""

from pathlib import Path

import pandas as pd

from softnet.reports.figures import plot_training_loss
from softnet.runlog import log_to

log_to(snakemake.log[0])
histories = {
    Path(path).name.removesuffix(".history.csv"): pd.read_csv(path)
    for path in snakemake.input.histories
}
wildcards = snakemake.wildcards
plot_training_loss(
    Path(snakemake.output[0]), f"{wildcards.dataset} {wildcards.type}: training loss", histories
)
