"""The MEGC 2020 spotting protocol: matching, counts and pooled F1 (docs/method.md, step 8).

Intervals and events are 0-based inclusive frame intervals (start, end). Counts are summed
over videos before precision, recall and F1 are computed, as the protocol prescribes; F1s of
videos, subjects or types are never averaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

Interval = tuple[int, int]

IOU_THRESHOLD = 0.5


def iou(a: Interval, b: Interval) -> float:
    """|A n B| / |A u B| with both ends inclusive, so [0, 4] and [4, 8] share one frame."""
    (a0, a1), (b0, b1) = (int(a[0]), int(a[1])), (int(b[0]), int(b[1]))
    if a1 < a0 or b1 < b0:
        raise ValueError(f"interval ends before it starts: {a}, {b}")
    intersection = min(a1, b1) - max(a0, b0) + 1
    if intersection <= 0:
        return 0.0
    union = (a1 - a0 + 1) + (b1 - b0 + 1) - intersection
    return intersection / union


def _ratio(numerator: int, denominator: float) -> float:
    """0 for an empty denominator, so that a video or type without predictions or events
    yields a number that pools and prints, instead of NaN or an exception."""
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives; add them to pool videos.

    Precision, recall and F1 are 0 (not NaN) when their denominator is 0: no predictions,
    no events, or P + R = 0.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)


def counts_row(counts: Counts) -> dict[str, float]:
    """The counts and their rounded ratios, as the metrics files and tables show them."""
    return {
        "TP": counts.tp,
        "FP": counts.fp,
        "FN": counts.fn,
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
        "F1": round(counts.f1, 4),
    }


@dataclass(frozen=True)
class Match:
    """How one spotted interval fared.

    `event` is the index (in the given order) of its best-IoU event, or None when it overlaps
    no event; `iou` is that best IoU (0 without overlap). `tp` is True when the interval
    matched that event.
    """

    event: int | None
    iou: float
    tp: bool


def match_video(
    intervals: Sequence[Interval], events: Sequence[Interval]
) -> tuple[list[Match], Counts]:
    """Match one video's spotted intervals, in the order given, against its events.

    Each interval considers only its best-IoU event; of events with equal IoU the last in the
    given order, as the published evaluation's reversed argsort picks it. It is a TP when that
    IoU is >= 0.5 and the event is still unmatched, which then becomes matched; otherwise it
    is a FP, even when another, worse-overlapping event is still free. Events never matched
    are FN.
    """
    matched = [False] * len(events)
    results = []
    for interval in intervals:
        ious = [iou(interval, event) for event in events]
        best = max(range(len(ious)), key=lambda i: (ious[i], i), default=None)
        best_iou = ious[best] if best is not None else 0.0
        tp = best is not None and best_iou >= IOU_THRESHOLD and not matched[best]
        if tp:
            matched[best] = True
        results.append(Match(event=best if best_iou > 0 else None, iou=best_iou, tp=tp))
    tp_count = sum(result.tp for result in results)
    counts = Counts(tp=tp_count, fp=len(results) - tp_count, fn=len(events) - tp_count)
    return results, counts


def pooled(per_video: pd.DataFrame) -> Counts:
    """Counts summed over videos (columns tp, fp, fn), as the protocol pools them: F1s of
    videos or types are never averaged."""
    return Counts(*(int(per_video[column].sum()) for column in ("tp", "fp", "fn")))


def evaluate_videos(
    intervals: pd.DataFrame, used: pd.DataFrame, videos: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match the spotted intervals of the given videos against their used events.

    `intervals` has subject, video, start0, end0 in peak order; `used` the events with
    subject, video, name, start0, end0; `videos` the videos evaluated (subject, video).
    Returns the intervals with matched_event, iou and result (TP/FP) columns, and one row of
    counts per video.
    """
    keys = ["subject", "video"]
    matched, per_video = [], []
    for subject, video in zip(videos["subject"], videos["video"]):
        mine = intervals[(intervals["subject"] == subject) & (intervals["video"] == video)]
        truth = used[(used["subject"] == subject) & (used["video"] == video)]
        events = list(zip(truth["start0"], truth["end0"]))
        results, counts = match_video(list(zip(mine["start0"], mine["end0"])), events)
        names = list(truth["name"])
        matched.append(
            mine.assign(
                matched_event=[names[r.event] if r.event is not None else "" for r in results],
                iou=[round(r.iou, 4) for r in results],
                result=["TP" if r.tp else "FP" for r in results],
            )
        )
        per_video.append(
            {"subject": subject, "video": video, "tp": counts.tp, "fp": counts.fp, "fn": counts.fn}
        )
    columns = [*intervals.columns, "matched_event", "iou", "result"]
    table = pd.concat(matched, ignore_index=True) if matched else pd.DataFrame(columns=columns)
    return table, pd.DataFrame(per_video, columns=[*keys, "tp", "fp", "fn"])
