"""One timeline per video of a LOSO run: both types' spotted intervals with face thumbnails."""

from pathlib import Path

import h5py
import pandas as pd

from softnet.datasets.index import load_k, load_videos
from softnet.reports.figures import plot_timeline
from softnet.runlog import log_to
from softnet.spotting import in_seconds

log_to(snakemake.log[0])
names = {"subject": str, "video": str}
fps = load_videos(snakemake.input.videos).set_index(["subject", "video"])["fps"]
out = Path(snakemake.output[0])
out.mkdir(parents=True, exist_ok=True)
lanes = {}
for expression_type, path in zip(snakemake.params.types, snakemake.input.intervals):
    k = load_k(snakemake.input.summary, expression_type)
    intervals = pd.read_csv(path, dtype=names)
    for (subject, video), mine in intervals.groupby(["subject", "video"]):
        spotted = in_seconds(mine, k, float(fps[(subject, video)]))
        spotted["result"] = mine.loc[~mine["dummy"].astype(bool), "result"].to_numpy()
        lanes.setdefault((subject, video), {})[expression_type] = spotted
for face_file in snakemake.input.faces:
    subject, video = Path(face_file).parent.name, Path(face_file).stem
    with h5py.File(face_file, "r") as handle:
        plot_timeline(
            out / f"{subject}__{video}.png",
            f"{subject}/{video}: spotted intervals (green TP, red FP)",
            len(handle["crops"]),
            float(fps[(subject, video)]),
            lanes.get((subject, video), {}),
            handle["crops"],
        )
