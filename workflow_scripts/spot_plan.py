"""What the spot run will do: its inputs, k per model and type, TV-L1 pairs, a time estimate."""

from pathlib import Path

import pandas as pd

from softnet.applied.plan import plan_text
from softnet.datasets.index import load_videos
from softnet.runlog import log_to

log_to(snakemake.log[0])
videos = load_videos(snakemake.input.videos)
plans = {(p["model"], p["type"]): pd.DataFrame(p["videos"]) for p in snakemake.params.plans}
name = Path(snakemake.output[0]).parent.name
Path(snakemake.output[0]).write_text(plan_text(name, videos, plans, snakemake.params.cores))
