"""F1, precision and recall against p, from the cached score curves of one dataset and type."""

import json
from pathlib import Path

import pandas as pd

from softnet.labels import used_events, videos_in_scope
from softnet.reports import plot_p_sweep, sweep_p
from softnet.runlog import log_to

log_to(snakemake.log[0])
expression_type = snakemake.wildcards.type
with open(snakemake.input.summary) as handle:
    k = json.load(handle)[expression_type]["k"]
keys = {"subject": str, "video": str}
events = pd.read_csv(snakemake.input.events, dtype=keys)
used = used_events(events, snakemake.params.kind, expression_type)
videos = pd.read_csv(snakemake.input.videos, dtype=str, keep_default_na=False)
published = set(zip(*videos_in_scope(videos, used, "labelled")[["subject", "video"]].T.values))
curves = {
    (path.parent.name, path.stem): pd.read_csv(path)["score"].to_numpy()
    for path in map(Path, snakemake.input.scores)
    if (path.parent.name, path.stem) in published
}
sweep = sweep_p(curves, k, used, snakemake.params.p_grid, snakemake.params.dummy_interval)
sweep.to_csv(snakemake.output.table, index=False)
plot_p_sweep(
    Path(snakemake.output.figure),
    f"{snakemake.wildcards.dataset} {expression_type}: videos with events (k = {k})",
    sweep,
)
