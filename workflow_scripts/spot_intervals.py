"""Spot intervals on every score curve of one dataset and expression type."""

import json
from pathlib import Path

import pandas as pd

from softnet.runlog import log_to
from softnet.spotting import one_based, spot

log_to(snakemake.log[0])
with open(snakemake.input.summary) as handle:
    k = json.load(handle)[snakemake.wildcards.type]["k"]
settings = snakemake.params.spotting
intervals, thresholds = [], []
for path in map(Path, snakemake.input.scores):
    subject, video = path.parent.name, path.stem
    result = spot(
        pd.read_csv(path)["score"].to_numpy(), k, settings["p"], settings["dummy_interval"]
    )
    intervals.append(one_based(result.peaks).assign(subject=subject, video=video))
    thresholds.append({"subject": subject, "video": video, "threshold": result.threshold})
columns = ["subject", "video", "q", "score", "start0", "end0", "onset", "offset", "dummy"]
pd.concat(intervals, ignore_index=True)[columns].to_csv(snakemake.output.intervals, index=False)
pd.DataFrame(thresholds).to_csv(snakemake.output.thresholds, index=False)
with open(snakemake.output.settings, "w") as handle:
    json.dump({"k": k, **settings}, handle, indent=2)
