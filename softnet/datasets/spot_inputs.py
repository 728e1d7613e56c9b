"""Videos to spot (the spot target): any video files or frame folders, without events.

Each input path is a video file, a frame folder, or a folder of either; a video's subject is
the name of the folder that holds it. A video that cannot be spotted is skipped, with its
reason, and the others are spotted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from softnet.datasets.generic import describe_video, holds_images, subject_videos
from softnet.datasets.kinds import VIDEO_COLUMNS, DatasetError, natural_key
from softnet.videos import VideoError


def input_videos(paths: list[str]) -> dict[tuple[str, str], Path]:
    """(subject, video) -> path of every video named by the spot inputs.

    An input is a video file, a frame folder, or a folder of video files and frame folders;
    the subject is the name of the folder holding the video.
    """
    found: dict[tuple[str, str], Path] = {}
    for text in paths:
        path = Path(text).expanduser()
        if path.is_file():
            entries = {(path.parent.name, path.stem): path}
        elif path.is_dir() and holds_images(path):
            entries = {(path.parent.name, path.name): path}
        elif path.is_dir():
            entries = {(path.name, video): p for video, p in subject_videos(path).items()}
            if not entries:
                raise DatasetError(f"spot input {path} holds no video file or frame folder")
        else:
            raise DatasetError(f"spot input {path} does not exist")
        for key, source in entries.items():
            if key in found and found[key] != source:
                raise DatasetError(
                    f"spot inputs {found[key]} and {source} both become video {key[0]}/{key[1]}; "
                    "rename one or put it in another folder"
                )
            found[key] = source
    return dict(sorted(found.items(), key=lambda item: tuple(map(natural_key, item[0]))))


def index_inputs(
    name: str, paths: list[str], fps: float | None, skipped: Mapping[tuple[str, str], str]
) -> pd.DataFrame:
    """The videos table of the spot inputs (no events).

    `skipped` maps a (subject, video) the face stage could not process to why: the reason goes
    to its `excluded` cell, and a video that cannot even be read gets 0 frames and fps.
    """
    rows = []
    for (subject, video), path in input_videos(paths).items():
        reason = skipped.get((subject, video), "")
        try:
            row = describe_video(subject, video, path, fps)
        except (VideoError, DatasetError):
            if not reason:
                raise
            row = {"subject": subject, "video": video, "source": str(path), "fps": fps or 0.0}
            row |= {"frame_count": 0, "first_frame": 1}
        rows.append({**row, "excluded": reason})
    videos = pd.DataFrame(rows, columns=VIDEO_COLUMNS[1:])
    videos.insert(0, "dataset", name)
    return videos
