"""One figure per video: scores, threshold, ground truth and spotted intervals."""

import json
from pathlib import Path

import pandas as pd

from softnet.labels import used_events
from softnet.reports import plot_score_curve
from softnet.runlog import log_to

log_to(snakemake.log[0])
expression_type = snakemake.wildcards.type
with open(snakemake.input.summary) as handle:
    k = json.load(handle)[expression_type]["k"]
keys = {"subject": str, "video": str}
events = pd.read_csv(snakemake.input.events, dtype=keys)
used = used_events(events, snakemake.params.kind, expression_type)
intervals = pd.read_csv(snakemake.input.intervals, dtype=keys)
thresholds = pd.read_csv(snakemake.input.thresholds, dtype=keys).set_index(["subject", "video"])
out = Path(snakemake.output[0])
out.mkdir(parents=True, exist_ok=True)
for path in map(Path, snakemake.input.scores):
    subject, video = path.parent.name, path.stem
    truth = used[(used["subject"] == subject) & (used["video"] == video)]
    threshold = thresholds.loc[(subject, video), "threshold"]
    plot_score_curve(
        out / f"{subject}__{video}.png",
        f"{subject}/{video} ({expression_type}, k = {k})",
        pd.read_csv(path)["score"].to_numpy(),
        k,
        None if pd.isna(threshold) else float(threshold),
        list(zip(truth["onset"], truth["end"])),
        intervals[(intervals["subject"] == subject) & (intervals["video"] == video)],
    )
