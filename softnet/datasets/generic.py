"""Any dataset in the generic layout: folders of video files or frame folders and a CSV.

A generic dataset is `root/<subject>/<video>`, each video a file OpenCV decodes (mp4, avi,
mov, ...) or a folder of numbered images, plus one CSV of events with the columns
`subject, video, type, onset, apex, offset` (optional: `fps`, `name`). Frame numbers are
1-based positions in the video: the n-th decoded frame, or the n-th image in numeric order.
It yields the same videos and events tables as the release readers, so everything
downstream treats it like CAS(ME)^2.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pandas as pd

from softnet.datasets.kinds import EVENT_COLUMNS, VIDEO_COLUMNS, DatasetError, natural_key
from softnet.datasets.layout import check_root, frame_number, list_frames
from softnet.videos import IMAGE_SUFFIXES, VIDEO_SUFFIXES, probe_video

log = logging.getLogger(__name__)


REQUIRED_COLUMNS = ("subject", "video", "type", "onset", "apex", "offset")


#: A subject folder may not be called so: results/<dataset>/<type>/models/final.keras is the
#: final model, beside one <subject>.keras per LOSO fold.
RESERVED_SUBJECTS = ("final",)


def holds_images(folder: Path) -> bool:
    return any(p.suffix.lower() in IMAGE_SUFFIXES for p in folder.iterdir() if p.is_file())


def subject_videos(folder: Path) -> dict[str, Path]:
    """Video name -> path for the video files and frame folders directly inside `folder`."""
    videos: dict[str, Path] = {}
    for path in sorted(folder.iterdir(), key=lambda p: natural_key(p.name)):
        if path.name.startswith("."):
            continue
        if path.is_file() and path.suffix.lower() in VIDEO_SUFFIXES:
            name = path.stem
        elif path.is_dir() and holds_images(path):
            name = path.name
        else:
            continue
        if name in videos:
            raise DatasetError(
                f"{folder}: two videos are named {name!r} ({videos[name].name} and {path.name}); "
                "rename one of them"
            )
        videos[name] = path
    return videos


def find_video(root: Path, subject: str, video: str) -> Path:
    """Where a generic dataset stores one video (a file or a frame folder)."""
    folder = Path(root) / subject
    path = subject_videos(folder).get(video) if folder.is_dir() else None
    if path is None:
        raise DatasetError(f"no video {video!r} (file or frame folder) in {folder}")
    return path


def describe_video(subject: str, video: str, path: Path, fps: float | None) -> dict[str, object]:
    """A videos-table row: the source, its frame count, and its fps (given, else the file's)."""
    if path.is_dir():
        frames = list_frames("generic", path)
        numbers = [frame_number("generic", video, f.name) for f in frames]
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            log.warning(
                "%s: frame numbers have gaps; frame numbers of this video count its images "
                "in order (the n-th image is frame n), not the numbers in their names",
                path,
            )
        count, container_fps = len(frames), None
    else:
        facts = probe_video(path)
        count, container_fps = facts.frame_count, facts.fps
    rate = fps or container_fps
    if rate is None:
        raise DatasetError(
            f"{path}: no frame rate: a frame folder has none; give it in an `fps` column of the "
            "events CSV, or `fps` in the config (datasets[].fps or spot.fps)"
        )
    return {
        "subject": subject,
        "video": video,
        "source": str(path),
        "fps": float(rate),
        "frame_count": count,
        "first_frame": 1,
        "excluded": "",
    }


def read_generic(
    root: Path, events_csv: Path, fps: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Videos and events of a generic dataset (without the dataset column)."""
    root = Path(root)
    check_root(root, "generic")
    events = read_events_csv(events_csv)
    entries = {}
    for folder in sorted(root.iterdir(), key=lambda p: natural_key(p.name)):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        if folder.name in RESERVED_SUBJECTS:
            raise DatasetError(f"{folder}: a subject may not be named {folder.name!r}; rename it")
        for video, path in subject_videos(folder).items():
            entries[(folder.name, video)] = path
    if not entries:
        raise DatasetError(
            f"no videos under {root}: expected <subject>/<video>.mp4 (or another video file) "
            "or <subject>/<video>/ holding numbered images"
        )
    for event in events.itertuples():
        if (event.subject, event.video) not in entries:
            raise DatasetError(
                f"{events_csv} line {event.row}: no video {event.subject}/{event.video} under "
                f"{root} (expected {root / event.subject / event.video}.mp4 or a frame folder)"
            )
    rows = []
    for (subject, video), path in entries.items():
        mine = events[(events["subject"] == subject) & (events["video"] == video)]
        listed = _csv_fps(mine, events_csv)  # checked even when the config overrides it
        rows.append(describe_video(subject, video, path, fps or listed))
    return pd.DataFrame(rows, columns=VIDEO_COLUMNS[1:]), events[EVENT_COLUMNS[1:]]


def _csv_fps(rows: pd.DataFrame, path: Path) -> float | None:
    rates = {float(r) for r in rows.get("fps", pd.Series(dtype=float)).dropna()}
    if len(rates) > 1:
        raise DatasetError(f"{path}: rows of one video give different fps: {sorted(rates)}")
    return rates.pop() if rates else None


def read_events_csv(path: Path) -> pd.DataFrame:
    """The events CSV, checked row by row; errors name the file, the line and the fix."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DatasetError(f"cannot read events CSV {path}: {err}") from err
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise DatasetError(
            f"{path}: missing columns {missing}; the header must name "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: fps, name)"
        )
    events = []
    for number, row in enumerate(table.itertuples(index=False), start=2):
        record = {c: str(getattr(row, c)).strip() for c in table.columns}
        where = f"{path} line {number}"
        onset = _frame(record["onset"], "onset", where)
        offset = _frame(record["offset"], "offset", where, allow_zero=True)
        apex = _frame(record["apex"] or "0", "apex", where, allow_zero=True)
        end = offset or apex
        if end < onset:
            raise DatasetError(
                f"{where}: the event ends (offset {offset}, apex {apex}) before its onset "
                f"{onset}; an offset of 0 means 'not annotated' and then needs an apex"
            )
        events.append(
            {
                "subject": record["subject"],
                "video": record["video"],
                "type": _type(record["type"], where),
                "onset": onset,
                "apex": apex,
                "offset": offset,
                "name": record.get("name") or f"{record['video']}_{len(events) + 1}",
                "row": number,
                "fps": _fps(record.get("fps", ""), where),
            }
        )
    return pd.DataFrame(events, columns=[*EVENT_COLUMNS[1:], "fps"])


def _frame(text: str, column: str, where: str, allow_zero: bool = False) -> int:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value != int(value) or value < (0 if allow_zero else 1):
        lowest = "0 (not annotated) or more" if allow_zero else "1 or more"
        raise DatasetError(f"{where}: {column} {text!r} is not a frame number ({lowest})")
    return int(value)


def _type(text: str, where: str) -> str:
    lowered = text.lower()
    for kind in ("micro", "macro"):
        if lowered.startswith(kind):
            return kind
    raise DatasetError(f"{where}: type {text!r} is neither micro nor macro")


def _fps(text: str, where: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise DatasetError(f"{where}: fps {text!r} is not a positive number")
    return value
