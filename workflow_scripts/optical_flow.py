"""Stage 2: TV-L1 flow and optical strain of one video for one k."""

from pathlib import Path

from softnet.cache import video_provenance
from softnet.flow.flow_cache import write_flow_cache
from softnet.flow.tvl1 import TVL1Params
from softnet.runlog import log_to

if __name__ == "__main__":  # the worker processes re-import this file's module path
    log_to(snakemake.log[0])
    wildcards = snakemake.wildcards
    xla_cache = snakemake.config["flow"]["xla_cache"]
    write_flow_cache(
        Path(snakemake.input.faces),
        Path(snakemake.output[0]),
        k=int(wildcards.k),
        params=TVL1Params.from_config(snakemake.params.tvl1),
        threads=snakemake.threads,
        # not params: the engines' flows are bit for bit the same, and the batch size and the
        # compilation cache change speed only, so none of them may rerun the job
        engine=snakemake.config["flow"]["engine"],
        batch_size=snakemake.config["flow"]["batch_size"],
        gpus=snakemake.resources.gpu,
        xla_cache=Path(xla_cache) if xla_cache else None,
        provenance=video_provenance(wildcards, snakemake.input.faces),
    )
