"""Hand-made job records and cache files of two videos, for the benchmark's tests."""

from __future__ import annotations

import pandas as pd

SUMMARY = {"micro": {"k": 5}, "macro": {"k": 15}}


def jobs_and_caches() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two videos: faces 2 s + 4 s for 10 + 30 frames, flow at k = 5 10 s + 30 s for 15 + 25
    pairs, one micro job scoring a video and one macro job scoring a subject's videos."""
    jobs = pd.DataFrame(
        [
            ("faces", "", None, "s1", "v1", 2.0, 100.0),
            ("faces", "", None, "s2", "v2", 4.0, 150.0),
            ("flow", "", 5, "s1", "v1", 10.0, 300.0),
            ("flow", "", 5, "s2", "v2", 30.0, 350.0),
            ("training", "micro", None, "s1", "", 20.0, 700.0),
            ("training", "micro", None, "s2", "", 40.0, 800.0),
            ("scoring", "micro", None, "s1", "v1", 6.0, 500.0),
            ("scoring", "macro", None, "s2", "", 9.0, 500.0),
        ],
        columns=["stage", "type", "k", "subject", "video", "seconds", "max_rss_mb"],
    )
    caches = pd.DataFrame(
        [
            ("faces", None, "s1", "v1", 10, 1000),
            ("faces", None, "s2", "v2", 30, 3000),
            ("flow", 5, "s1", "v1", 15, 30_000),
            ("flow", 5, "s2", "v2", 25, 50_000),
            ("roi", 5, "s1", "v1", 15, 3000),
            ("roi", 5, "s1", "v3", 7, 700),  # not scored by the per-video micro job
            ("roi", 15, "s2", "v2", 5, 1000),
        ],
        columns=["stage", "k", "subject", "video", "frames", "bytes"],
    ).astype({"k": "Int64"})
    return jobs, caches
