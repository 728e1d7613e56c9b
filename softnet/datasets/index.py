"""A dataset's index, written and read here: videos.csv, events.csv and summary.json.

Nothing is written until the whole dataset has been read and checked, so a bad workbook or
frame folder stops the index job with no file behind.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pandas as pd

from softnet.datasets.casme2 import read_casme2
from softnet.datasets.generic import read_generic
from softnet.datasets.kinds import EVENT_COLUMNS, FPS, VIDEO_COLUMNS, layout_kind, natural_key
from softnet.datasets.labels import type_summary, used_events
from softnet.datasets.layout import annotation_path
from softnet.datasets.sammlv import read_sammlv

log = logging.getLogger(__name__)

#: The reader of each release layout; the generic kind also takes the frame rate.
READERS = {"casme2": read_casme2, "sammlv": read_sammlv}


def read_dataset(
    name: str, kind: str, root: Path, annotations: str | None = None, fps: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Videos and events tables of one dataset, in natural sort order.

    `fps` overrides the frame rate (the releases' own by default; for the generic kind, see
    `softnet.datasets.generic`).
    """
    root = Path(root)
    layout = layout_kind(kind)
    workbook = annotation_path(kind, root, annotations)
    if layout == "generic":
        videos, events = read_generic(root, workbook, fps)
    else:
        videos, events = READERS[layout](root, workbook)
        videos["fps"] = fps or FPS[layout]
    videos.insert(0, "dataset", name)
    events.insert(0, "dataset", name)
    _warn_events_past_end(videos, events)
    videos = _natural_order(videos, ["subject", "video"])[VIDEO_COLUMNS]
    events = _natural_order(events, ["subject", "video"], then=["onset", "row"])[EVENT_COLUMNS]
    return videos, events


def _natural_order(table: pd.DataFrame, keys: list[str], then: list[str] = ()) -> pd.DataFrame:
    order = sorted(
        range(len(table)),
        key=lambda i: (
            tuple(natural_key(str(table[c].iloc[i])) for c in keys)
            + tuple(table[c].iloc[i] for c in then)
        ),
    )
    return table.iloc[order].reset_index(drop=True)


def _warn_events_past_end(videos: pd.DataFrame, events: pd.DataFrame) -> None:
    keys = zip(videos["subject"], videos["video"])
    last = dict(zip(keys, videos["first_frame"] + videos["frame_count"] - 1))
    for event in events.itertuples():
        if last.get((event.subject, event.video), event.offset) < event.offset:
            log.warning(
                "event %s (row %d): offset %d lies past the last frame %d of %s",
                event.name,
                event.row,
                event.offset,
                last[(event.subject, event.video)],
                event.video,
            )


def write_index(
    name: str,
    kind: str,
    root: Path,
    annotations: str | None,
    fps: float | None,
    videos_csv: Path,
    events_csv: Path,
    summary_json: Path,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict]]:
    """Read and check a dataset, then write its three index files; returns what it wrote."""
    videos, events = read_dataset(name, kind, root, annotations, fps)
    summary = type_summary(videos, events, kind)
    videos.to_csv(videos_csv, index=False)
    events.to_csv(events_csv, index=False)
    with open(summary_json, "w") as handle:
        json.dump(summary, handle, indent=2)
    return videos, events, summary


def load_videos(path: str | os.PathLike) -> pd.DataFrame:
    """An index's videos.csv, with subject and video names kept as text ('006', not 6)."""
    return pd.read_csv(path, dtype={"subject": str, "video": str}, keep_default_na=False)


def load_events(path: str | os.PathLike) -> pd.DataFrame:
    """An index's events.csv, with subject and video names kept as text."""
    return pd.read_csv(path, dtype={"subject": str, "video": str})


def load_k(summary: str | os.PathLike, expression_type: str) -> int:
    """k of one expression type from an index's summary.json."""
    with open(summary) as handle:
        return int(json.load(handle)[expression_type]["k"])


def load_used_events(path: str | os.PathLike, kind: str, expression_type: str) -> pd.DataFrame:
    """The events of one type that SOFTNet uses (see `used_events`), from an index's events.csv."""
    return used_events(load_events(path), kind, expression_type)
