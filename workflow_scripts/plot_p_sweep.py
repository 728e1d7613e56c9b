"""F1, precision and recall against p, from the cached score curves of one dataset and type."""

from pathlib import Path

from softnet.datasets.index import load_k, load_used_events, load_videos
from softnet.datasets.labels import videos_in_scope
from softnet.reports.figures import plot_p_sweep
from softnet.reports.p_sweep import sweep_p
from softnet.runlog import log_to
from softnet.spotting import read_scores, score_files

log_to(snakemake.log[0])
expression_type = snakemake.wildcards.type
k = load_k(snakemake.input.summary, expression_type)
used = load_used_events(snakemake.input.events, snakemake.params.kind, expression_type)
labelled = videos_in_scope(load_videos(snakemake.input.videos), used, "labelled")
published = set(zip(labelled["subject"], labelled["video"]))
curves = {}
for path in score_files(snakemake.input.scores):
    subject, video, scores = read_scores(path)
    if (subject, video) in published:
        curves[(subject, video)] = scores
sweep = sweep_p(curves, k, used, snakemake.params.p_grid, snakemake.params.dummy_interval)
sweep.to_csv(snakemake.output.table, index=False)
plot_p_sweep(
    Path(snakemake.output.figure),
    f"{snakemake.wildcards.dataset} {expression_type}: videos with events (k = {k})",
    sweep,
)
