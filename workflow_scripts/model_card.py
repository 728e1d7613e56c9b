"""The model card of a final model: what it was trained on and how, and its dataset's LOSO F1."""

import json

import pandas as pd

import softnet
from softnet.applied.cards import model_card
from softnet.applied.models import dataset_timing
from softnet.datasets.index import load_k, load_used_events, load_videos
from softnet.model.folds import fold_subjects
from softnet.runlog import log_to

log_to(snakemake.log[0])
wildcards = snakemake.wildcards
kind = snakemake.params.kind
used = load_used_events(snakemake.input.events, kind, wildcards.type)
videos = load_videos(snakemake.input.videos)
with open(snakemake.input.loso) as handle:
    loso = json.load(handle)["scopes"]
card = model_card(
    wildcards.dataset,
    kind,
    wildcards.type,
    dataset_timing(videos, used, load_k(snakemake.input.summary, wildcards.type)),
    fold_subjects(videos, used),
    snakemake.params.training,
    pd.read_csv(snakemake.input.history),
    loso,
    softnet.__version__,
)
with open(snakemake.output[0], "w") as handle:
    json.dump(card, handle, indent=2)
