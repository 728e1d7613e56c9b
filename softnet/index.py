"""A dataset's index: videos.csv, events.csv and summary.json (k per expression type).

Nothing is written until the whole dataset has been read and checked, so a bad workbook or
frame folder stops the index job with no file behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from softnet.datasets import read_dataset
from softnet.labels import type_summary


def write_index(
    name: str,
    kind: str,
    root: Path,
    annotations: str | None,
    videos_csv: Path,
    events_csv: Path,
    summary_json: Path,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict]]:
    """Read and check a dataset, then write its three index files; returns what it wrote."""
    videos, events = read_dataset(name, kind, root, annotations)
    summary = type_summary(videos, events, kind)
    videos.to_csv(videos_csv, index=False)
    events.to_csv(events_csv, index=False)
    with open(summary_json, "w") as handle:
        json.dump(summary, handle, indent=2)
    return videos, events, summary
