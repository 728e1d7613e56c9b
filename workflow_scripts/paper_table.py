"""The dataset's results shaped like the paper's table, beside the published numbers."""

import json

from softnet.evaluation import Counts
from softnet.reports import paper_table
from softnet.runlog import log_to

log_to(snakemake.log[0])
per_type = {}
for path in snakemake.input.metrics:
    with open(path) as handle:
        metrics = json.load(handle)
    published_scope = metrics["scopes"]["labelled"]
    per_type[metrics["type"]] = Counts(*(published_scope[c] for c in ("TP", "FP", "FN")))
paper_table(per_type, snakemake.params.kind).to_csv(snakemake.output[0])
