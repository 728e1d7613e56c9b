"""Score every feature frame of one video with its subject's model."""

from pathlib import Path

import h5py
import pandas as pd

from softnet.model import load_checkpoint, predict_scores
from softnet.runlog import log_to

log_to(snakemake.log[0])
model = load_checkpoint(Path(snakemake.input.model))
with h5py.File(snakemake.input.roi, "r") as handle:
    scores = predict_scores(model, handle["roi"])
pd.DataFrame(
    {"feature_frame": range(len(scores)), "frame": range(1, len(scores) + 1), "score": scores}
).to_csv(snakemake.output[0], index=False)
