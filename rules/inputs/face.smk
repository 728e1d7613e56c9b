"""The input functions of the face rule: each video's frames, and their frame rate."""

from softnet.datasets import kinds
from softnet.datasets.generic import find_video
from softnet.datasets.layout import frames_dir


def video_source(wildcards):
    """The frame folder or video file of a video."""
    name, subject, video = wildcards.dataset, wildcards.subject, wildcards.video
    if name == SPOT_SET:
        return str(spot_sources()[(subject, video)])
    kind = dataset_kind(name)
    if kind == "generic":
        return str(find_video(dataset_root(name), subject, video))
    return str(frames_dir(kind, dataset_root(name), subject, video))


def dataset_fps(name):
    """A configured frame rate for the set's videos; None: the videos' own (30 if unknown)."""
    if name == SPOT_SET:
        return SPOT["fps"]
    entry = DATASETS[name]
    return entry["fps"] or kinds.FPS.get(kinds.layout_kind(entry["kind"]))
