"""Stage 3: head-motion removal, eye masking and eyebrow/mouth ROI stacks of one video."""

from pathlib import Path

from softnet.cache import video_provenance
from softnet.roi import ROIParams, write_roi_cache
from softnet.runlog import log_to

log_to(snakemake.log[0])
wildcards = snakemake.wildcards
write_roi_cache(
    Path(snakemake.input.flow),
    Path(snakemake.input.faces),
    Path(snakemake.output[0]),
    params=ROIParams(**snakemake.params.roi),
    provenance=video_provenance(wildcards, snakemake.input.flow),
)
