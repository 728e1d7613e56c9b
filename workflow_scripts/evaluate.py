"""MEGC evaluation of one dataset and type, for the published scope and, if run, all videos."""

import json

import pandas as pd

from softnet.datasets.index import load_used_events, load_videos
from softnet.datasets.labels import videos_in_scope
from softnet.evaluation import Counts, counts_row, evaluate_videos, pooled
from softnet.runlog import log_to

log_to(snakemake.log[0])
expression_type = snakemake.wildcards.type
intervals = pd.read_csv(snakemake.input.intervals, dtype={"subject": str, "video": str})
videos = load_videos(snakemake.input.videos)
used = load_used_events(snakemake.input.events, snakemake.params.kind, expression_type)
with open(snakemake.input.settings) as handle:
    spotting = json.load(handle)

scopes = ["labelled"] + (["all"] if snakemake.params.video_scope == "all" else [])
metrics = {"type": expression_type, "spotting": spotting, "scopes": {}}
for scope in scopes:
    matched, per_video = evaluate_videos(intervals, used, videos_in_scope(videos, used, scope))
    metrics["scopes"][scope] = {"videos": len(per_video), **counts_row(pooled(per_video))}
    if scope == snakemake.params.video_scope:
        matched.to_csv(snakemake.output.intervals, index=False)
        rows = [counts_row(Counts(r.tp, r.fp, r.fn)) for r in per_video.itertuples()]
        per_video = pd.concat([per_video[["subject", "video"]], pd.DataFrame(rows)], axis=1)
        per_video.assign(type=expression_type).to_csv(snakemake.output.per_video, index=False)
if "all" not in scopes:
    metrics["scopes"]["all"] = "not computed: set video_scope: all for this dataset"
with open(snakemake.output.metrics, "w") as handle:
    json.dump(metrics, handle, indent=2)
