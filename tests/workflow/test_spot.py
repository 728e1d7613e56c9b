"""Spot expressions in any video: own videos (MP4 and frame folders), final models, the
published ensemble, a generic dataset and a cross-dataset test, end to end on the tiny demo."""

import json
import shutil
from pathlib import Path

import cv2
import h5py
import numpy as np
import pandas as pd
import pytest
import yaml

from softnet.evaluation import iou, match_video
from tests.helpers.videos import folder_to_video
from tests.helpers.workflow_runs import TINY, WEIGHTS, planned_jobs, planned_resources, snakemake

pytestmark = pytest.mark.workflow


def demo_videos(workdir: Path) -> list[Path]:
    return sorted((workdir / "resources" / "demo" / "CASME_sq" / "rawpic").glob("s*/*"))


def run_with(repo: Path, workdir: Path, name: str, config: dict, *args: str):
    path = workdir / name
    path.write_text(yaml.safe_dump(config))
    return snakemake(repo, workdir, *args, "--configfile", str(path))


@pytest.fixture(scope="module")
def spotted(repo, demo_run):
    """One demo video given twice to `spot`: as its frame folder and as an MP4 file."""
    video = demo_videos(demo_run)[0]
    frames = demo_run / "inputs" / "frames" / video.name
    shutil.copytree(video, frames)
    mp4 = folder_to_video(video, demo_run / "inputs" / "mp4" / f"{video.name}.mp4", "mp4v")
    models = ["demo", *(["published-casme2"] if WEIGHTS.is_dir() else [])]
    config = {
        **TINY,
        "spot": {"inputs": [str(frames), str(mp4)], "models": models, "fps": 30},
        "published_weights": str(WEIGHTS),
    }
    result = run_with(repo, demo_run, "spot.yaml", config, "spot")
    assert result.returncode == 0, result.stderr[-4000:]
    return demo_run, video, config, models


def intervals_of(workdir: Path, model: str, subject: str, video: str, kind: str):
    folder = workdir / "results" / "spot" / "applied" / model / "videos"
    return pd.read_csv(folder / f"{subject}__{video}.{kind}.intervals.csv")


def test_spot_writes_scores_intervals_figures_and_a_summary(spotted):
    workdir, video, _, models = spotted
    for model in models:
        base = workdir / "results" / "spot" / "applied" / model
        summary = pd.read_csv(base / "summary.csv", dtype={"subject": str, "video": str})
        assert len(summary) == 4  # 2 inputs x 2 types
        assert set(summary["subject"]) == {"frames", "mp4"} and set(summary["model"]) == {model}
        assert (summary["fps"] == 30.0).all() and (summary["k"] >= 1).all()
        for row in summary.itertuples():
            stem = base / "videos" / f"{row.subject}__{row.video}.{row.type}"
            scores = pd.read_csv(f"{stem}.scores.csv")
            assert list(scores.columns) == ["frame", "time_s", "score"]
            assert len(scores) == 80 - row.k == row.feature_frames
            intervals = pd.read_csv(f"{stem}.intervals.csv")
            assert list(intervals.columns) == [
                "onset", "offset", "peak_frame", "onset_s", "offset_s", "peak_s", "score"
            ]  # fmt: skip
            assert len(intervals) == row.intervals
            assert (intervals["onset_s"] == ((intervals["onset"] - 1) / 30).round(3)).all()
            assert Path(f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
            timeline = base / "videos" / f"{row.subject}__{row.video}.timeline.png"
            assert timeline.read_bytes()[:4] == b"\x89PNG"
        ks = pd.read_csv(base / "micro" / "k.csv")
        assert (ks["k"] == ks["k_scaled"]).all()


def test_the_mp4_finds_the_intervals_of_the_frame_folder(spotted):
    """MPEG-4 (mp4v, OpenCV's default quality) moves pixels by ~2.8 grey levels on average,
    more than the demo's sensor noise and comparable to its 1-1.5 px micro-expressions:
    macro intervals stay the same; most micro intervals are found again (IoU >= 0.5)."""
    workdir, video, _, models = spotted
    for model in models:
        for kind in ("micro", "macro"):
            frames = intervals_of(workdir, model, "frames", video.name, kind)
            mp4 = intervals_of(workdir, model, "mp4", video.name, kind)
            _, counts = match_video(
                list(zip(mp4["onset"], mp4["offset"])), list(zip(frames["onset"], frames["offset"]))
            )
            if kind == "macro":
                assert counts.fp == counts.fn == 0, (model, frames, mp4)
            else:
                assert counts.tp >= len(frames) / 2, (model, frames, mp4)
            base = workdir / "results" / "spot" / "applied" / model / "videos"
            curves = [
                pd.read_csv(base / f"{source}__{video.name}.{kind}.scores.csv")["score"]
                for source in ("frames", "mp4")
            ]
            assert curves[0].corr(curves[1]) > (0.85 if kind == "macro" else 0.5), (model, kind)


def test_the_final_model_finds_the_planted_events(spotted):
    """The demo's final model has seen this video: its planted events are spotted, from the
    frames (IoU >= 0.5) and from the MP4 (IoU >= 0.4: the codec shifts a micro interval)."""
    workdir, video, _, _ = spotted
    events = pd.read_csv(workdir / "results" / "demo" / "index" / "events.csv")
    for event in events[events["video"] == video.name].itertuples():
        for source, least in (("frames", 0.5), ("mp4", 0.4)):
            intervals = intervals_of(workdir, "demo", source, video.name, event.type)
            best = max(
                (
                    iou((r.onset, r.offset), (event.onset, event.offset))
                    for r in intervals.itertuples()
                ),
                default=0.0,
            )
            assert best >= least, (source, event, intervals)


def test_final_models_carry_a_model_card(repo, spotted):
    workdir = spotted[0]
    result = snakemake(repo, workdir, "final_models")
    assert result.returncode == 0, result.stderr[-2000:]
    for kind in ("micro", "macro"):
        card = json.loads(
            (workdir / "results" / "demo" / kind / "models" / "final.json").read_text()
        )
        assert card["dataset"] == "demo" and card["type"] == kind and card["fps"] == 30.0
        assert card["subjects"] == ["s15", "s16"] and card["samples"] > 0
        assert card["training"]["seed"] == 1 and card["device"].startswith(("CPU", "GPU"))
        assert card["loso"]["labelled"]["F1"] >= 0


def test_training_gpus_go_to_the_applied_scoring_jobs(repo, spotted):
    workdir, _, config, models = spotted
    gpus = {**config, "training": {"gpus": 1}}
    forced = ("-n", "spot", "--forcerun", "score_applied")
    result = run_with(repo, workdir, "spot_gpus.yaml", gpus, *forced)
    assert result.returncode == 0, result.stderr[-2000:]
    resources = planned_resources(result, "score_applied")
    assert len(resources) == 2 * len(models) and all("gpu=1" in r for r in resources), resources


def test_spot_again_does_nothing_and_p_reruns_only_spotting(repo, spotted):
    workdir, _, config, models = spotted
    again = run_with(repo, workdir, "spot.yaml", config, "-n", "spot")
    assert again.returncode == 0, again.stderr[-2000:]
    assert planned_jobs(again) == {}
    changed = run_with(
        repo, workdir, "spot_p.yaml", {**config, "spotting": {"p": 0.4}}, "-n", "spot"
    )
    plan = planned_jobs(changed)
    per_model = len(models)
    assert plan == {"spot_applied": 2 * per_model, "spot_report": per_model, "spot": 1}


def grey_video(folder: Path) -> Path:
    """A tiny real video: enough for the index, which runs before the weights are needed."""
    path = folder / "desk" / "clip.avi"
    path.parent.mkdir(parents=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"FFV1"), 30.0, (32, 24))
    for _ in range(30):
        writer.write(np.full((24, 32, 3), 128, np.uint8))
    writer.release()
    return path


def test_a_missing_weights_folder_stops_spot_naming_it(repo, tmp_path):
    clip = grey_video(tmp_path)
    config = {**TINY, "spot": {"inputs": [str(clip)]}, "published_weights": str(tmp_path / "W")}
    result = run_with(repo, tmp_path, "spot.yaml", config, "-n", "spot")
    assert result.returncode != 0
    message = f"published weights folder {tmp_path / 'W'} does not exist"
    assert message in result.stdout + result.stderr
    assert not (tmp_path / "results" / "spot" / "applied").exists()


def test_a_generic_dataset_of_the_demo_videos_gives_the_demo_numbers(repo, demo_run):
    """The demo as lossless AVI files plus an events CSV: the same index and the same ROI
    stacks, hence (every later stage being deterministic, tests/workflow/test_golden.py) the same
    models, scores and tables; and the generic dataset tested with the demo's final model."""
    root = demo_run / "generic"
    for video in demo_videos(demo_run):
        folder_to_video(video, root / video.parent.name / f"{video.name}.avi", "FFV1")
    events = pd.read_csv(demo_run / "results" / "demo" / "index" / "events.csv")
    columns = ["subject", "video", "type", "onset", "apex", "offset"]
    events[columns].to_csv(root / "events.csv", index=False)
    config = {
        **TINY,
        "datasets": [*TINY["datasets"], {"name": "gen", "kind": "generic", "root": str(root)}],
        "cross_evaluation": [{"dataset": "gen", "model": "demo"}],
    }
    cross = "results/gen/applied/demo/report/paper_table.csv"
    result = run_with(repo, demo_run, "generic.yaml", config, "all_roi_stacks", cross)
    assert result.returncode == 0, result.stderr[-4000:]
    results = demo_run / "results"
    index = {name: pd.read_csv(results / name / "index" / "events.csv") for name in ("demo", "gen")}
    pd.testing.assert_frame_equal(index["gen"][columns], index["demo"][columns])
    summaries = [
        (results / name / "index" / "summary.json").read_text() for name in ("demo", "gen")
    ]
    assert json.loads(summaries[0]) == json.loads(summaries[1])
    stacks = sorted((results / "demo" / "roi").rglob("*.h5"))
    assert len(stacks) == 4  # 2 videos x 2 k
    for stack in stacks:
        twin = results / "gen" / "roi" / stack.relative_to(results / "demo" / "roi")
        with h5py.File(stack) as demo, h5py.File(twin) as generic:
            assert np.array_equal(generic["roi"][()], demo["roi"][()]), twin
    cross = pd.read_csv(demo_run / cross)
    assert set(cross["model"]) == {"demo"}
    assert list(cross["expression"]) == ["macro", "micro", "overall"]
    assert cross["paper_F1"].isna().all()
    assert (cross.set_index("expression").loc["overall", "TP"]) > 0  # the model has seen them
