"""What spotting one clip costs: `snakemake spot` on synthetic clips of given lengths, timed.

    python -m perf.benchmark --spot 10 60 300 --weights SOFTNet_Weights [--fps 30]

Each clip (a synthetic face video of that many seconds, as a frame folder) is spotted alone in
a fresh working folder with the published CAS(ME)^2 ensemble, from frames to the summary, on
all cores. Per clip: the wall time, the flow's pairs and their rate in the flow jobs, which
engine ran, the peak memory of any job (Snakemake's benchmark files) and the disk the caches
take with the flow kept (`flow.keep_flow: true`) and without it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import h5py
import pandas as pd
import yaml

from perf.machine import machine
from perf.runs import snakemake
from softnet.datasets.kinds import RELEASE_FOLDERS

MODEL = "published-casme2"


def spot_clip(workdir: Path, seconds: float, fps: float, weights: Path, cores: int) -> dict:
    """Spot one synthetic clip of `seconds` at `fps` in `workdir`; what it cost."""
    from softnet.datasets.demo import make_demo

    frames = round(seconds * fps)
    root = workdir / "clip" / RELEASE_FOLDERS["casme2"]
    make_demo(root, subjects=1, frames=frames, seed=0)
    (clip,) = sorted((root / "rawpic").glob("*/*"))
    config = {
        "spot": {"name": "spot", "inputs": [str(clip)], "models": [MODEL], "fps": fps},
        "published_weights": str(weights.resolve()),
        "flow": {"threads": cores},
    }
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    print(f"spotting a {seconds:g} s clip ({frames} frames) in {workdir}", flush=True)
    wall = snakemake(workdir, cores, "spot")
    results = workdir / "results" / "spot"
    flows = sorted((results / "flow").rglob("*.h5"))
    pairs, engines = 0, set()
    for path in flows:
        with h5py.File(path, "r") as handle:
            pairs += handle["flow"].shape[0]
            engines.add(str(handle.attrs["engine"]))
    jobs = {
        path.as_posix(): pd.read_csv(path, sep="\t").iloc[0]
        for path in (workdir / "benchmarks").rglob("*.tsv")
    }
    flow_seconds = sum(float(job["s"]) for path, job in jobs.items() if "/flow/" in path)
    peak = max(pd.to_numeric(job["max_rss"], errors="coerce") for job in jobs.values())

    def size(stage: str) -> int:
        return sum(p.stat().st_size for p in (results / stage).rglob("*.h5"))

    with_flow = size("faces") + size("flow") + size("roi")
    return {
        "clip_s": seconds,
        "frames": frames,
        "pairs": pairs,
        "engine": " and ".join(sorted(engines)),
        "wall_s": wall,
        "flow_pairs_per_s": pairs / flow_seconds if flow_seconds else float("nan"),
        "peak_rss_mb": float(peak),
        "disk_mb_keep_flow": with_flow / 1e6,
        "disk_mb_without_flow": (with_flow - size("flow")) / 1e6,
    }


def spot_costs(args: argparse.Namespace) -> pd.DataFrame:
    """One row per clip length, each clip in its own temporary working folder."""
    rows = []
    for seconds in args.spot:
        with tempfile.TemporaryDirectory(prefix="softnet-spot-") as scratch:
            rows.append(spot_clip(Path(scratch), seconds, args.fps, args.weights, args.cores))
    table = pd.DataFrame(rows)
    table.insert(0, "machine", machine())
    return table


def markdown(table: pd.DataFrame) -> str:
    """The table as Markdown, with a title line naming the machine and the model."""
    title = (
        f"Spotting one clip at {table['frames'].iloc[0] / table['clip_s'].iloc[0]:g} fps with "
        f"{MODEL} on {table['machine'].iloc[0]}"
    )
    shown = table.drop(columns="machine").round(2)
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in shown.to_numpy()]
    return "\n".join([title, "", *lines])
