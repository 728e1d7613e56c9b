"""Score every video of a set with an applied model (one TensorFlow start for all of them)."""

import logging
from pathlib import Path

import pandas as pd

from softnet.applied.models import scaled_k
from softnet.datasets.index import load_videos
from softnet.model.scoring import load_models, score_roi_files
from softnet.runlog import log_to
from softnet.spotting import score_file, write_scores
from softnet.tensorflow_setup import configure_tensorflow, tensorflow_device

log_to(snakemake.log[0])
log = logging.getLogger("softnet")
configure_tensorflow(snakemake.threads)
log.info("scoring on %s", tensorflow_device())
weights = list(snakemake.input.model)
models = load_models([Path(p) for p in weights])
log.info("%s: %d model(s) from %s", snakemake.wildcards.model, len(models), Path(weights[0]).parent)
timing = snakemake.params.timing
fps = load_videos(snakemake.input.videos).set_index(["subject", "video"])["fps"]
rows = []
for subject, video, k, scores in score_roi_files(models, snakemake.input.rois):
    write_scores(score_file(snakemake.output.scores, subject, video), scores)
    rate = float(fps[(subject, video)])
    rows.append(
        {
            "subject": subject,
            "video": video,
            "fps": rate,
            "k": k,
            "k_scaled": scaled_k(timing, rate),
            "model_k": timing.k,
            "model_fps": timing.fps,
        }
    )
    log.info("%s/%s: %d feature frames scored (k = %d)", subject, video, len(scores), k)
pd.DataFrame(rows).to_csv(snakemake.output.k, index=False)
