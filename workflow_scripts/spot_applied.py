"""Spot intervals on the score curves of an applied model, each video with its own k."""

import json

import pandas as pd

from softnet.runlog import log_to
from softnet.spotting import read_scores, score_file, spot_videos

log_to(snakemake.log[0])
settings = snakemake.params.spotting
ks = pd.read_csv(snakemake.input.k, dtype={"subject": str, "video": str})
curves = {}
for row in ks.itertuples():
    _, _, curves[(row.subject, row.video)] = read_scores(
        score_file(snakemake.input.scores, row.subject, row.video)
    )
intervals, thresholds = spot_videos(
    curves,
    dict(zip(zip(ks["subject"], ks["video"]), ks["k"])),
    settings["p"],
    settings["dummy_interval"],
)
intervals.to_csv(snakemake.output.intervals, index=False)
thresholds.to_csv(snakemake.output.thresholds, index=False)
with open(snakemake.output.settings, "w") as handle:
    json.dump({"k": sorted(set(ks["k"].tolist())), **settings}, handle, indent=2)
