"""Index the videos to spot: each input's frame count and frame rate, and why the face stage
skipped a video (its `excluded` cell)."""

import logging
from pathlib import Path

from softnet.datasets.spot_inputs import index_inputs
from softnet.face import skip_reason
from softnet.runlog import log_to

log_to(snakemake.log[0])
log = logging.getLogger("softnet")
params = snakemake.params
skipped = {}
for path in map(Path, snakemake.input.faces):
    if reason := skip_reason(path):
        skipped[(path.parent.name, path.stem)] = reason
videos = index_inputs(params.name, params.inputs, params.fps, skipped)
videos.to_csv(snakemake.output.videos, index=False)
for video in videos.itertuples():
    if video.excluded:
        log.warning("%s/%s: skipped: %s", video.subject, video.video, video.excluded)
    else:
        log.info(
            "%s/%s: %d frames at %g fps from %s",
            video.subject,
            video.video,
            video.frame_count,
            video.fps,
            video.source,
        )
