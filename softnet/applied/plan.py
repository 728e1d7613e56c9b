"""What a spot run will do, said before its heavy jobs: the inputs with their frames, fps and
duration (or why one is skipped), the k of each model and type, the TV-L1 pairs in all and an
estimated time.

Light on purpose (no TensorFlow, no OpenCV): it reads the spot index only.
"""

from __future__ import annotations

import pandas as pd

#: TV-L1 frame pairs a second and core on 128x128 face crops: the range measured on third-party
#: clips (960x540, about 26 fps, 2 cores); the cost depends on the motion in the clip.
PAIRS_PER_CORE_S = (0.65, 1.8)


def flow_pairs(plans: dict[tuple[str, str], pd.DataFrame]) -> int:
    """TV-L1 pairs of the scored (video, k): frames - k each, shared by models of equal k."""
    needed = {
        (row.subject, row.video, row.k): row.frame_count - row.k
        for ks in plans.values()
        for row in ks[ks["skipped"] == ""].itertuples()
    }
    return sum(needed.values())


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def plan_text(
    name: str, videos: pd.DataFrame, plans: dict[tuple[str, str], pd.DataFrame], cores: int
) -> str:
    """The plan of a spot run; `plans` maps (model, type) to `video_ks` of the index."""
    skipped = videos[videos["excluded"] != ""]
    lines = [
        f"spot plan for results/{name}: {len(videos)} input(s), {len(skipped)} skipped by the "
        "face stage"
    ]
    width = max(len(f"{v.subject}/{v.video}") for v in videos.itertuples())
    for video in videos.itertuples():
        label = f"{video.subject}/{video.video}".ljust(width)
        if video.excluded:
            lines.append(f"  {label}  skipped: {video.excluded}")
        else:
            seconds = video.frame_count / video.fps
            lines.append(
                f"  {label}  {video.frame_count} frames at {video.fps:g} fps ({seconds:.1f} s)"
            )
    for (model, expression_type), ks in plans.items():
        scored = ks[ks["skipped"] == ""]
        counts = scored["k"].value_counts().sort_index()
        ks_text = ", ".join(f"k = {k} for {n} video(s)" for k, n in counts.items()) or "none"
        short = int((ks["skipped"] != "").sum()) - len(skipped)
        tail = f"; {short} with no more than k frames, skipped" if short else ""
        lines.append(f"{model} {expression_type}: {ks_text}{tail}")
    pairs = flow_pairs(plans)
    fast, slow = (pairs / (rate * cores) for rate in reversed(PAIRS_PER_CORE_S))
    lines.append(
        f"TV-L1 flow: {pairs} frame pairs in all (cached ones are not computed again); on "
        f"{cores} core(s) at "
        f"{PAIRS_PER_CORE_S[0]:g} to {PAIRS_PER_CORE_S[1]:g} pairs/s a core (the range measured "
        f"on 960x540 clips; the cost depends on the motion): about {duration(fast)} to "
        f"{duration(slow)}, plus the scoring"
    )
    return "\n".join(lines) + "\n"
