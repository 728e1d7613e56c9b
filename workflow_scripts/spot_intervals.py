"""Spot intervals on every score curve of one dataset and expression type."""

import json

import pandas as pd

from softnet.datasets import load_k
from softnet.runlog import log_to
from softnet.spotting import one_based, read_scores, spot

log_to(snakemake.log[0])
k = load_k(snakemake.input.summary, snakemake.wildcards.type)
settings = snakemake.params.spotting
intervals, thresholds = [], []
for path in snakemake.input.scores:
    subject, video, scores = read_scores(path)
    result = spot(scores, k, settings["p"], settings["dummy_interval"])
    intervals.append(one_based(result.peaks).assign(subject=subject, video=video))
    thresholds.append({"subject": subject, "video": video, "threshold": result.threshold})
columns = ["subject", "video", "q", "score", "start0", "end0", "onset", "offset", "dummy"]
pd.concat(intervals, ignore_index=True)[columns].to_csv(snakemake.output.intervals, index=False)
pd.DataFrame(thresholds).to_csv(snakemake.output.thresholds, index=False)
with open(snakemake.output.settings, "w") as handle:
    json.dump({"k": k, **settings}, handle, indent=2)
