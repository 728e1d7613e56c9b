"""Train the model of one held-out subject (LOSO fold), or load the published weights."""

import json
from pathlib import Path

import pandas as pd

from softnet.model import save_checkpoint
from softnet.runlog import log_to
from softnet.training import TrainingParams, configure_tensorflow, fit_subject

log_to(snakemake.log[0])
settings = dict(snakemake.params.training)
pretrained = settings.pop("pretrained")
params = TrainingParams(**settings)
configure_tensorflow(snakemake.threads, params.seed)
with open(snakemake.input.summary) as handle:
    k = json.load(handle)[snakemake.wildcards.type]["k"]
model, history = fit_subject(
    [Path(p) for p in snakemake.input.rois],
    pd.read_csv(snakemake.input.videos, dtype=str, keep_default_na=False),
    pd.read_csv(snakemake.input.events, dtype={"subject": str, "video": str}),
    kind=snakemake.params.kind,
    expression_type=snakemake.wildcards.type,
    subject=snakemake.wildcards.subject,
    k=k,
    params=params,
    pretrained=Path(pretrained) if pretrained else None,
)
save_checkpoint(model, Path(snakemake.output.model))
history.to_csv(snakemake.output.history, index=False)
