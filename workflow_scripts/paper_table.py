"""The dataset's results shaped like the paper's table, beside the published numbers."""

import json

from softnet.evaluation import Counts
from softnet.reports.tables import paper_table
from softnet.runlog import log_to

log_to(snakemake.log[0])
per_scope = {}
for path in snakemake.input.metrics:
    with open(path) as handle:
        metrics = json.load(handle)
    for scope, counts in metrics["scopes"].items():
        if isinstance(counts, dict):  # a scope that was not computed holds a note instead
            per_type = per_scope.setdefault(scope, {})
            per_type[metrics["type"]] = Counts(*(counts[c] for c in ("TP", "FP", "FN")))
paper_table(per_scope, snakemake.params.kind, snakemake.params.model).to_csv(
    snakemake.output[0], index=False
)
