"""Score every video of one subject with its model: one TensorFlow start per fold and type."""

import logging
from pathlib import Path

from softnet.model.scoring import load_models, score_roi_files
from softnet.runlog import log_to
from softnet.spotting import write_scores
from softnet.tensorflow_setup import tensorflow_device

log_to(snakemake.log[0])
log = logging.getLogger("softnet")
log.info("scoring on %s", tensorflow_device())
model = Path(snakemake.input.model)
models = load_models([model])
out = Path(snakemake.output[0])
out.mkdir(parents=True, exist_ok=True)
for _, video, k, scores in score_roi_files(models, snakemake.input.rois):
    write_scores(out / f"{video}.csv", scores)
    log.info("%s: %d feature frames scored by %s (k = %d)", video, len(scores), model.name, k)
