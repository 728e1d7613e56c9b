"""This workflow against the published SOFTNet scripts: their stages re-enacted on the run's
data, and their stage times on a reference data set where the run's data match it."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import h5py
import pandas as pd

from perf.measures import Measure
from perf.runs import Run
from softnet.datasets.kinds import EXPRESSION_TYPES, layout_kind
from softnet.datasets.layout import list_frames
from softnet.face import FaceBox
from softnet.flow.tvl1 import TVL1Params


@dataclass(frozen=True)
class ScriptsReference:
    """Wall seconds per stage of the authors' published scripts on one data set."""

    provenance: str
    layout: str
    videos: int
    frames: int
    k: dict[str, int]
    seconds: dict[str, float]


#: The published SOFTNet scripts, timed stage by stage on a SAMM-LV-layout set.
SCRIPTS_REFERENCE = ScriptsReference(
    provenance=(
        "the published SOFTNet scripts on a SAMM-LV-layout set of 3 synthetic videos x 1000 "
        "frames (k = 33 micro, 134 macro), timed in November 2026 on a 2-core AMD EPYC "
        "virtual machine"
    ),
    layout="sammlv",
    videos=3,
    frames=1000,
    k={"micro": 33, "macro": 134},
    seconds={
        "cropping": 288.0,
        "features micro": 537.0,
        "features macro": 417.0,
        "training micro": 90.0,
        "training macro": 42.0,
    },
)


def like_the_reference(videos: pd.DataFrame, kind: str) -> bool:
    """Whether a run's data has the size and layout of the scripts' reference set."""
    used = videos[videos["excluded"].fillna("") == ""]
    return (
        layout_kind(kind) == SCRIPTS_REFERENCE.layout
        and len(used) == SCRIPTS_REFERENCE.videos
        and bool((used["frame_count"] == SCRIPTS_REFERENCE.frames).all())
    )


def seconds_in_scripts_stages(stages: pd.DataFrame, summary: dict) -> dict[str, float]:
    """This workflow's job seconds in the scripts' stages: cropping, features and training
    (with scoring) per type. Sums of job seconds: jobs that ran side by side add up."""

    def seconds(stage, k=None, kind=None):
        chosen = stages[stages["stage"] == stage]
        if k is not None:
            chosen = chosen[chosen["k"] == k]
        if kind is not None:
            chosen = chosen[chosen["type"] == kind]
        return float(chosen["job_seconds"].sum())

    ours = {"cropping": seconds("faces")}
    for kind in EXPRESSION_TYPES:
        if kind in summary:
            k = int(summary[kind]["k"])
            ours[f"features {kind}"] = seconds("flow", k) + seconds("roi", k)
            ours[f"training {kind}"] = seconds("training", kind=kind) + seconds(
                "scoring", kind=kind
            )
    return ours


def scripts_measures(
    run: Run,
    stages: pd.DataFrame,
    caches: pd.DataFrame,
    videos: pd.DataFrame,
    sample: int,
    training_s: dict[str, float],
) -> tuple[list[Measure], float | None]:
    """The published scripts re-enacted on this run's data: cropping and features timed on
    `sample` frames and pairs of the first video and scaled to all of them, their ROI
    pre-processing taken as this run's, training from every fold's loop (`training_s`).
    Returns the measures and the scripts' estimated seconds, None where not re-enactable
    (videos given as files: the scripts read frame folders)."""
    # TensorFlow is imported here, not with the module: the rest of the command runs without.
    from perf.scripts_timing import time_scripts_cropping, time_scripts_flow

    used = videos[videos["excluded"].fillna("") == ""]
    first = used.iloc[0]
    source = run.workdir / first.source  # as the workflow reads it: relative to its folder
    if not source.is_dir() or not training_s:
        return [], None
    frames = list_frames(run.kind, source, first.video)[:sample]
    with h5py.File(run.results / "faces" / first.subject / f"{first.video}.h5", "r") as handle:
        box = FaceBox(*(int(x) for x in handle["box"][()]))
    print(f"timing the scripts' cropping on {len(frames)} frames", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        per_frame = time_scripts_cropping(frames, box, Path(scratch))
    flows = caches[caches["stage"] == "flow"]
    row = next(flows.itertuples())
    face = run.results / "faces" / row.subject / f"{row.video}.h5"
    params = TVL1Params.from_config(run.config["flow"]["tvl1"])
    count = min(int(row.frames), sample)
    print(f"timing the scripts' features on {count} pairs", flush=True)
    with multiprocessing.get_context("forkserver").Pool(1) as pool:
        per_pair = pool.apply(time_scripts_flow, (face, int(row.k), params, count))
    roi_s = float(stages.loc[stages["stage"] == "roi", "job_seconds"].sum())
    parts = {
        "cropping": per_frame * int(used["frame_count"].sum()),
        "features": per_pair * int(flows["frames"].sum()) + roi_s,
        "training": sum(training_s.values()),
    }
    total = sum(parts.values())
    # the flow jobs' share of the run's wall time: side by side, `run.workers` threads each
    flow_s = float(stages.loc[stages["stage"] == "flow", "job_seconds"].sum())
    flow_s *= run.workers / run.cores
    section = "scripts re-enacted"
    return [
        Measure(
            section,
            "cropping, time per frame",
            per_frame * 1000,
            "ms",
            detail=(
                f"{len(frames)} frames of {first.video}: read, crop, resize, JPEG written and read"
            ),
        ),
        Measure(
            section,
            "features, time per pair",
            per_pair * 1000,
            "ms",
            detail=(
                f"one process, OpenCV's {os.cpu_count()} threads, {count} pairs of {row.video}"
            ),
        ),
        Measure(
            section,
            "all stages, this run's data",
            total,
            "s",
            detail=", ".join(f"{stage} {seconds:.0f} s" for stage, seconds in parts.items())
            + " (their ROI pre-processing taken as this run's; training: every fold's loop "
            "and one TensorFlow start per type)",
        ),
        Measure(
            section,
            "this run's flow jobs alone / the scripts' stages",
            flow_s / total,
            "x",
            detail="the least end to end could be with every other stage free",
        ),
    ], total


def end_to_end_measures(
    run: Run, stages: pd.DataFrame, summary: dict, comparable: bool
) -> list[Measure]:
    """The run's wall time and, where its data have the reference's size and layout, the
    scripts' reference times beside it, for the record: the end-to-end target compares with
    the scripts re-enacted on the run's own data."""
    measures = []
    if run.wall_seconds is not None:
        item = "workflow, snakemake all from frames"
        measures.append(Measure("end to end", item, run.wall_seconds, "s"))
    if not comparable:
        return measures
    if run.wall_seconds is not None:
        scripts = sum(SCRIPTS_REFERENCE.seconds.values())
        ks = ", ".join(f"{t} {summary[t]['k']}" for t in EXPRESSION_TYPES if t in summary)
        provenance = f"{SCRIPTS_REFERENCE.provenance}; this run's k: {ks}"
        measures += [
            Measure("end to end", "published scripts (stored)", scripts, "s", detail=provenance),
            Measure(
                "end to end",
                "workflow / the scripts' stored times",
                run.wall_seconds / scripts,
                "x",
            ),
        ]
    ours = seconds_in_scripts_stages(stages, summary)
    for stage, seconds in SCRIPTS_REFERENCE.seconds.items():
        if stage in ours:
            item = f"{stage}: sum of job seconds / the scripts' {seconds:.0f} s"
            measures.append(Measure("end to end", item, ours[stage] / seconds, "x"))
    return measures
