"""Which annotated events SOFTNet uses, and the k and the training labels derived from them.

Spec sections 1, 2 and 6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from softnet.datasets.kinds import EXPRESSION_TYPES, layout_kind

VIDEO_SCOPES = ("labelled", "all")


def used_events(events: pd.DataFrame, kind: str, expression_type: str) -> pd.DataFrame:
    """The events of one type that SOFTNet uses, with their 0-based inclusive bounds.

    An offset of 0 means "not annotated": the event ends at its apex. SAMM-LV macro events
    with onset 0 are dropped (their annotation spans most of the video).
    """
    chosen = events[events["type"] == expression_type]
    if layout_kind(kind) == "sammlv" and expression_type == "macro":
        chosen = chosen[chosen["onset"] != 0]
    chosen = chosen.copy()
    chosen["end"] = chosen["offset"].where(chosen["offset"] != 0, chosen["apex"])
    chosen["start0"] = chosen["onset"] - 1
    chosen["end0"] = chosen["end"] - 1
    return chosen.reset_index(drop=True)


def expression_k(used: pd.DataFrame) -> int:
    """Half the average expression length: k = int((mean(end - onset) + 1) / 2)."""
    if used.empty:
        raise ValueError("k is undefined without events of the type")
    mean_length = float((used["end"] - used["onset"]).mean())
    return int((mean_length + 1) / 2)


def videos_in_scope(videos: pd.DataFrame, used: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The videos that take part: those with a used event (as published) or all of them.

    Videos the adapter marked as excluded (the CAS(ME)^2 duplicate) never take part.
    """
    if scope not in VIDEO_SCOPES:
        raise ValueError(f"unknown video scope {scope!r}; expected one of {VIDEO_SCOPES}")
    kept = videos[videos["excluded"].fillna("") == ""]
    if scope == "labelled":
        labelled = set(zip(used["subject"], used["video"]))
        kept = kept[[key in labelled for key in zip(kept["subject"], kept["video"])]]
    return kept.reset_index(drop=True)


def type_summary(videos: pd.DataFrame, events: pd.DataFrame, kind: str) -> dict[str, dict]:
    """Per expression type: k, and how many events, videos and subjects take part."""
    summary = {}
    for expression_type in EXPRESSION_TYPES:
        used = used_events(events, kind, expression_type)
        if used.empty:
            continue
        labelled = videos_in_scope(videos, used, "labelled")
        summary[expression_type] = {
            "k": expression_k(used),
            "events": len(used),
            "mean_length": round(float((used["end"] - used["onset"]).mean()), 4),
            "videos": len(labelled),
            "subjects": labelled["subject"].nunique(),
        }
    return summary


def pseudo_labels(feature_frames: int, k: int, used: pd.DataFrame) -> np.ndarray:
    """SOFTNet's training target per feature frame of one video (docs/method.md, step 5).

    Feature frame i covers frames i .. i+k-1; it is labelled 1 when that window meets the
    frames start0+1 .. end0 of an event (the published scripts' one-frame shift), else 0.
    """
    labels = np.zeros(feature_frames, dtype=np.uint8)
    for start0, end0 in zip(used["start0"], used["end0"]):
        first = max(int(start0) + 2 - k, 0)
        last = min(int(end0), feature_frames - 1)
        if first <= last and start0 + 1 <= end0:
            labels[first : last + 1] = 1
    return labels
