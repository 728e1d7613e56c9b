"""Stage 1: the face crops, face box and landmarks of one video (frame folder or video file)."""

import math
from pathlib import Path

from softnet.cache import video_provenance
from softnet.datasets.layout import open_source
from softnet.face import CropSettings, default_landmark_model, write_face_cache
from softnet.runlog import log_to
from softnet.videos import VideoFile

log_to(snakemake.log[0])
face = dict(snakemake.params.face)
model = face.pop("landmark_model", None) or default_landmark_model()
search_seconds = face.pop("search_seconds")
source = open_source(snakemake.params.kind, Path(snakemake.input.source))
# The face search is bounded in seconds of video: the configured fps, else the file's own.
fps = snakemake.params.fps or (isinstance(source, VideoFile) and source.fps()) or 30.0
wildcards = snakemake.wildcards
write_face_cache(
    source,
    Path(snakemake.output[0]),
    video=f"{wildcards.subject}/{wildcards.video}",
    settings=CropSettings(**face),
    landmark_model=Path(model),
    provenance=video_provenance(wildcards, snakemake.input.source),
    search_frames=math.ceil(search_seconds * fps),
)
