"""Score every feature frame of one video with its subject's model."""

from pathlib import Path

import h5py

from softnet.model import load_checkpoint, predict_scores
from softnet.runlog import log_to
from softnet.spotting import write_scores

log_to(snakemake.log[0])
model = load_checkpoint(Path(snakemake.input.model))
with h5py.File(snakemake.input.roi, "r") as handle:
    scores = predict_scores(model, handle["roi"])
write_scores(snakemake.output[0], scores)
