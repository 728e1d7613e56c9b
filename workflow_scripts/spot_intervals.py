"""Spot intervals on every score curve of one dataset and expression type."""

import json

from softnet.datasets.index import load_k
from softnet.runlog import log_to
from softnet.spotting import read_scores, score_files, spot_videos

log_to(snakemake.log[0])
k = load_k(snakemake.input.summary, snakemake.wildcards.type)
settings = snakemake.params.spotting
curves = {
    (subject, video): scores
    for subject, video, scores in map(read_scores, score_files(snakemake.input.scores))
}
intervals, thresholds = spot_videos(
    curves, dict.fromkeys(curves, k), settings["p"], settings["dummy_interval"]
)
intervals.to_csv(snakemake.output.intervals, index=False)
thresholds.drop(columns="k").to_csv(snakemake.output.thresholds, index=False)
with open(snakemake.output.settings, "w") as handle:
    json.dump({"k": k, **settings}, handle, indent=2)
