"""One figure per video: scores, threshold, ground truth and spotted intervals."""

from pathlib import Path

import pandas as pd

from softnet.datasets.index import load_k, load_used_events
from softnet.reports.figures import plot_score_curve
from softnet.runlog import log_to
from softnet.spotting import read_scores, score_files

log_to(snakemake.log[0])
expression_type = snakemake.wildcards.type
k = load_k(snakemake.input.summary, expression_type)
used = load_used_events(snakemake.input.events, snakemake.params.kind, expression_type)
names = {"subject": str, "video": str}
intervals = pd.read_csv(snakemake.input.intervals, dtype=names)
thresholds = pd.read_csv(snakemake.input.thresholds, dtype=names).set_index(["subject", "video"])
out = Path(snakemake.output[0])
out.mkdir(parents=True, exist_ok=True)
for path in score_files(snakemake.input.scores):
    subject, video, scores = read_scores(path)
    truth = used[(used["subject"] == subject) & (used["video"] == video)]
    threshold = thresholds.loc[(subject, video), "threshold"]
    plot_score_curve(
        out / f"{subject}__{video}.png",
        f"{subject}/{video} ({expression_type}, k = {k})",
        scores,
        k,
        None if pd.isna(threshold) else float(threshold),
        list(zip(truth["onset"], truth["end"])),
        intervals[(intervals["subject"] == subject) & (intervals["video"] == video)],
    )
