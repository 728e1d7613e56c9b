"""Score every video of one dataset and type, each subject with its fold's model (one
TensorFlow start for the type)."""

import logging
from pathlib import Path

from softnet.model.scoring import score_subjects
from softnet.runlog import log_to
from softnet.spotting import score_file, write_scores
from softnet.tensorflow_setup import configure_tensorflow, tensorflow_device

log_to(snakemake.log[0])
log = logging.getLogger("softnet")
configure_tensorflow(snakemake.threads)
log.info("scoring on %s", tensorflow_device())
files = {Path(path).stem: Path(path) for path in snakemake.input.models}
model_of = {subject: files[name] for subject, name in snakemake.params.models.items()}
for subject, video, k, model, scores in score_subjects(model_of, snakemake.input.rois):
    write_scores(score_file(snakemake.output[0], subject, video), scores)
    log.info(
        "%s/%s: %d feature frames scored by %s (k = %d)", subject, video, len(scores), model.name, k
    )
