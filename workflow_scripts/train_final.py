"""Train the final model of one dataset and type on every labelled subject."""

from pathlib import Path

from softnet.datasets import load_events, load_k
from softnet.model import save_checkpoint
from softnet.runlog import log_to
from softnet.training import TrainingParams, configure_tensorflow, fit_final

log_to(snakemake.log[0])
params = TrainingParams(**snakemake.params.training)
configure_tensorflow(snakemake.threads, params.seed)
model, history = fit_final(
    [Path(p) for p in snakemake.input.rois],
    load_events(snakemake.input.events),
    kind=snakemake.params.kind,
    expression_type=snakemake.wildcards.type,
    k=load_k(snakemake.input.summary, snakemake.wildcards.type),
    params=params,
)
save_checkpoint(model, Path(snakemake.output.model))
history.to_csv(snakemake.output.history, index=False)
