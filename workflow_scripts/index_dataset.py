"""Index a dataset: its videos, its annotated events and k per expression type."""

import json
import logging

from softnet.datasets import read_dataset
from softnet.labels import type_summary
from softnet.runlog import log_to

log_to(snakemake.log[0])
videos, events = read_dataset(
    snakemake.wildcards.dataset,
    snakemake.params.kind,
    snakemake.params.root,
    snakemake.params.annotations,
)
summary = type_summary(videos, events, snakemake.params.kind)
videos.to_csv(snakemake.output.videos, index=False)
events.to_csv(snakemake.output.events, index=False)
with open(snakemake.output.summary, "w") as handle:
    json.dump(summary, handle, indent=2)
logging.getLogger("softnet").info(
    "%d videos, %d events; per type: %s", len(videos), len(events), summary
)
