"""Stage 1: the face crops, face box and landmarks of one video (frame folder or video file).

A spot input that cannot be read or shows no face gets a skip record instead (the spot run
skips it and says why) unless spot.strict; a dataset's video stops the run. Both settings are
read from the config, not params: a new param would rerun every face cache.
"""

import math
from pathlib import Path

from softnet.cache import video_provenance
from softnet.datasets.kinds import DatasetError
from softnet.datasets.layout import open_source
from softnet.face import (
    CropSettings,
    FaceError,
    default_landmark_model,
    write_face_cache,
    write_skip_record,
)
from softnet.runlog import log_to
from softnet.videos import VideoError, VideoFile

log_to(snakemake.log[0])
face = dict(snakemake.params.face)
model = face.pop("landmark_model", None) or default_landmark_model()
search_seconds = face.pop("search_seconds")
wildcards = snakemake.wildcards
video = f"{wildcards.subject}/{wildcards.video}"
output = Path(snakemake.output[0])
provenance = video_provenance(wildcards, snakemake.input.source)
try:
    source = open_source(snakemake.params.kind, Path(snakemake.input.source))
    # The face search is bounded in seconds of video: the configured fps, else the file's own.
    fps = snakemake.params.fps or (isinstance(source, VideoFile) and source.fps()) or 30.0
    write_face_cache(
        source,
        output,
        video=video,
        settings=CropSettings(**face),
        landmark_model=Path(model),
        provenance=provenance,
        search_frames=math.ceil(search_seconds * fps),
    )
except (FaceError, VideoError, DatasetError) as error:
    spot = snakemake.config["spot"]
    if wildcards.dataset != spot["name"] or spot["strict"]:
        raise
    write_skip_record(output, video, str(error), provenance)
