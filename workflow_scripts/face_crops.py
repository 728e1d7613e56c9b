"""Stage 1: the face crops, face box and landmarks of one video."""

from pathlib import Path

from softnet.datasets import list_frames
from softnet.face import CropSettings, default_landmark_model, write_face_cache
from softnet.runlog import log_to

log_to(snakemake.log[0])
face = dict(snakemake.params.face)
model = face.pop("landmark_model", None) or default_landmark_model()
wildcards = snakemake.wildcards
write_face_cache(
    list_frames(snakemake.params.kind, Path(snakemake.input.frames)),
    Path(snakemake.output[0]),
    video=f"{wildcards.subject}/{wildcards.video}",
    settings=CropSettings(**face),
    landmark_model=Path(model),
    provenance={
        "dataset": wildcards.dataset,
        "subject": wildcards.subject,
        "video": wildcards.video,
        "frames_dir": snakemake.input.frames,
    },
)
