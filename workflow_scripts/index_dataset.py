"""Index a dataset: its videos, its annotated events and k per expression type."""

import logging

from softnet.datasets.index import write_index
from softnet.runlog import log_to

log_to(snakemake.log[0])
videos, events, summary = write_index(
    snakemake.wildcards.dataset,
    snakemake.params.kind,
    snakemake.params.root,
    snakemake.params.annotations,
    snakemake.params.fps,
    snakemake.output.videos,
    snakemake.output.events,
    snakemake.output.summary,
)
logging.getLogger("softnet").info(
    "%d videos, %d events; per type: %s", len(videos), len(events), summary
)
