"""Per video of an applied run: scores, intervals in frames and seconds, figures; a summary
that lists the skipped videos too, with why."""

from pathlib import Path

import h5py
import pandas as pd

from softnet.datasets.kinds import EXPRESSION_TYPES, natural_key
from softnet.reports.figures import plot_score_curve, plot_timeline
from softnet.runlog import log_to
from softnet.spotting import in_seconds, read_scores, score_file

log_to(snakemake.log[0])
names = {"subject": str, "video": str}
out = Path(snakemake.output.videos)
out.mkdir(parents=True, exist_ok=True)
faces = {(Path(p).parent.name, Path(p).stem): p for p in snakemake.input.faces}
lanes, summary = {}, []
for expression_type, intervals_csv, thresholds_csv, scores_dir, k_csv in zip(
    snakemake.params.types,
    snakemake.input.intervals,
    snakemake.input.thresholds,
    snakemake.input.scores,
    snakemake.input.k,
):
    intervals = pd.read_csv(intervals_csv, dtype=names)
    thresholds = pd.read_csv(thresholds_csv, dtype=names).set_index(["subject", "video"])
    for row in pd.read_csv(k_csv, dtype=names).itertuples():
        key, stem = (row.subject, row.video), f"{row.subject}__{row.video}.{expression_type}"
        _, _, scores = read_scores(score_file(scores_dir, row.subject, row.video))
        mine = intervals[(intervals["subject"] == row.subject) & (intervals["video"] == row.video)]
        spotted = in_seconds(mine, row.k, row.fps)
        spotted.to_csv(out / f"{stem}.intervals.csv", index=False)
        pd.DataFrame(
            {
                "frame": range(1, len(scores) + 1),
                "time_s": [round(i / row.fps, 3) for i in range(len(scores))],
                "score": scores,
            }
        ).to_csv(out / f"{stem}.scores.csv", index=False)
        threshold = thresholds.loc[key, "threshold"]
        plot_score_curve(
            out / f"{stem}.png",
            f"{row.subject}/{row.video}: {expression_type}, {snakemake.params.model}, k = {row.k}",
            scores,
            row.k,
            None if pd.isna(threshold) else float(threshold),
            [],
            spotted,
        )
        lanes.setdefault(key, {})[expression_type] = spotted
        summary.append(
            {
                "subject": row.subject,
                "video": row.video,
                "type": expression_type,
                "model": snakemake.params.model,
                "status": "spotted",
                "fps": row.fps,
                "k": row.k,
                "feature_frames": len(scores),
                "threshold": round(float(threshold), 6) if pd.notna(threshold) else None,
                "intervals": len(spotted),
                "onsets_s": " ".join(f"{t:g}" for t in spotted["onset_s"]),
                "reason": "",
            }
        )
for (subject, video), per_type in lanes.items():
    with h5py.File(faces[(subject, video)], "r") as handle:
        fps = next(r["fps"] for r in summary if (r["subject"], r["video"]) == (subject, video))
        plot_timeline(
            out / f"{subject}__{video}.timeline.png",
            f"{subject}/{video}: spotted with {snakemake.params.model}",
            len(handle["crops"]),
            fps,
            per_type,
            handle["crops"],
        )
summary += [
    {**row, "model": snakemake.params.model, "status": "skipped"}
    for row in snakemake.params.skipped
]
summary.sort(
    key=lambda r: (
        EXPRESSION_TYPES.index(r["type"]),
        natural_key(r["subject"]),
        natural_key(r["video"]),
    )
)
columns = ["subject", "video", "type", "model", "status", "fps", "k", "feature_frames"]
columns += ["threshold", "intervals", "onsets_s", "reason"]
table = pd.DataFrame(summary, columns=columns)
counts = ["k", "feature_frames", "intervals"]
table[counts] = table[counts].astype("Int64")  # whole numbers, empty for a skipped video
table.to_csv(snakemake.output.summary, index=False)
