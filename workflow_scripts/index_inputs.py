"""Index the videos to spot: each input's frame count and frame rate."""

import logging

from softnet.datasets.spot_inputs import index_inputs
from softnet.runlog import log_to

log_to(snakemake.log[0])
params = snakemake.params
videos = index_inputs(params.name, params.inputs, params.fps)
videos.to_csv(snakemake.output.videos, index=False)
for video in videos.itertuples():
    logging.getLogger("softnet").info(
        "%s/%s: %d frames at %g fps from %s",
        video.subject,
        video.video,
        video.frame_count,
        video.fps,
        video.source,
    )
