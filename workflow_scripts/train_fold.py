"""Train the model of one held-out subject (LOSO fold), or load the published weights."""

from pathlib import Path

from softnet.datasets.index import load_events, load_k, load_videos
from softnet.model.network import save_checkpoint
from softnet.model.training import TrainingParams, fit_subject
from softnet.runlog import log_to
from softnet.tensorflow_setup import configure_tensorflow

log_to(snakemake.log[0])
settings = dict(snakemake.params.training)
pretrained = settings.pop("pretrained")
params = TrainingParams(**settings)
configure_tensorflow(snakemake.threads, params.seed)
model, history = fit_subject(
    [Path(p) for p in snakemake.input.rois],
    load_videos(snakemake.input.videos),
    load_events(snakemake.input.events),
    kind=snakemake.params.kind,
    expression_type=snakemake.wildcards.type,
    subject=snakemake.wildcards.subject,
    k=load_k(snakemake.input.summary, snakemake.wildcards.type),
    params=params,
    pretrained=Path(pretrained) if pretrained else None,
)
save_checkpoint(model, Path(snakemake.output.model))
history.to_csv(snakemake.output.history, index=False)
