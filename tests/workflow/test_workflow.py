"""The workflow end to end on a tiny demo dataset, its rerun plans and its bad-input errors."""

import json
from pathlib import Path

import cv2
import h5py
import hdf5plugin
import numpy as np
import pandas as pd
import pytest
import yaml

from tests.helpers.workflow_runs import (
    TINY,
    planned_jobs,
    planned_resources,
    snakemake,
    write_config,
)

pytestmark = pytest.mark.workflow


def index_of(workdir: Path, dataset: str = "demo"):
    index = workdir / "results" / dataset / "index"
    summary = json.loads((index / "summary.json").read_text())
    videos = pd.read_csv(index / "videos.csv", dtype={"subject": str, "video": str})
    events = pd.read_csv(index / "events.csv", dtype={"subject": str, "video": str})
    return videos, events, summary


def test_index_lists_the_demo_videos_events_and_k(demo_run):
    videos, events, summary = index_of(demo_run)
    assert len(videos) == 2 and (videos["frame_count"] == 80).all()
    assert set(events["type"]) == {"micro", "macro"}
    assert set(summary) == {"micro", "macro"}
    assert 0 < summary["micro"]["k"] < summary["macro"]["k"]


def test_every_stage_writes_its_tensors_with_provenance(demo_run):
    videos, _, summary = index_of(demo_run)
    results = demo_run / "results" / "demo"
    for video in videos.itertuples():
        with h5py.File(results / "faces" / video.subject / f"{video.video}.h5") as faces:
            assert faces["crops"].shape == (80, 128, 128) and faces["crops"].dtype == np.uint8
            assert faces["landmarks"].shape == (68, 2) and faces["box"].shape == (4,)
            assert faces.attrs["video"] == video.video
        for expression in summary.values():
            k = expression["k"]
            name = f"k{k}/{video.subject}/{video.video}.h5"
            with (
                h5py.File(results / "flow" / name) as flow,
                h5py.File(results / "roi" / name) as roi,
            ):
                assert (
                    flow["flow"].shape == (80 - k, 128, 128, 3) and flow["flow"].dtype == np.float32
                )
                codec = flow["flow"].id.get_create_plist().get_filter(0)[0]
                assert codec == hdf5plugin.Blosc.filter_id and flow["flow"].chunks[0] == 1
                assert roi["roi"].shape == (80 - k, 42, 42, 3) and roi["roi"].dtype == np.float32
                for handle in (flow, roi):
                    assert handle.attrs["k"] == k and handle.attrs["video"] == video.video
                    assert "softnet_version" in handle.attrs
                assert json.loads(flow.attrs["params"])["tau"] == 0.25
                assert json.loads(roi.attrs["params"])["roi_margin"] == 12
    assert not list(results.rglob("*.partial"))


def test_planted_events_move_more_than_neutral_stretches(demo_run):
    videos, events, summary = index_of(demo_run)
    results = demo_run / "results" / "demo"
    for kind, expression in summary.items():
        k = expression["k"]
        for video in videos.itertuples():
            with h5py.File(results / "roi" / f"k{k}/{video.subject}/{video.video}.h5") as roi:
                motion = np.abs(roi["roi"][..., :2]).mean(axis=(1, 2, 3))
            windows = np.arange(len(motion))
            mine = events[(events["video"] == video.video) & (events["type"] == kind)]
            near_any = np.zeros(len(motion), bool)
            inside = np.zeros(len(motion), bool)
            for event in events[events["video"] == video.video].itertuples():
                near_any |= (windows + k >= event.onset - 2) & (windows <= event.offset + 1)
            for event in mine.itertuples():
                # windows that span the event's apex: the frames furthest from neutral
                inside |= (windows < event.apex) & (windows + k >= event.apex)
            assert inside.any() and (~near_any).any()
            ratio = motion[inside].mean() / motion[~near_any].mean()
            assert ratio > 1.5, (
                f"{kind} events in {video.video}: only {ratio:.2f}x the neutral motion"
            )


def test_a_complete_run_plans_nothing(repo, demo_run):
    result = snakemake(repo, demo_run, "-n", "all")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Nothing to be done" in result.stdout + result.stderr
    assert planned_jobs(result) == {}


DOWNSTREAM_OF_ROI = {"train_fold", "score_folds", "spot_intervals", "evaluate", "paper_table"}
REPORTS = {"plot_score_curves", "plot_p_sweep", "plot_training_loss", "plot_timelines", "all"}


def plan_after(repo: Path, workdir: Path, change: dict) -> dict[str, int]:
    changed = workdir / "changed.yaml"
    changed.write_text(yaml.safe_dump({**TINY, **change}, sort_keys=False))
    result = snakemake(repo, workdir, "-n", "all", "--configfile", str(changed))
    assert result.returncode == 0, result.stderr[-2000:]
    return planned_jobs(result)


@pytest.mark.parametrize(
    ("change", "rules"),
    [
        ({"flow": {"threads": 2, "tvl1": {"tau": 0.2}}}, {"optical_flow", "roi_stacks"}),
        ({"roi": {"roi_margin": 10}}, {"roi_stacks"}),
    ],
    ids=["tvl1", "roi"],
)
def test_a_feature_parameter_change_reruns_its_stage_and_what_follows(
    repo, demo_run, change, rules
):
    videos, _, summary = index_of(demo_run)
    plan = plan_after(repo, demo_run, change)
    per_rule = len(videos) * len({e["k"] for e in summary.values()})
    assert {rule: plan[rule] for rule in rules} == {rule: per_rule for rule in rules}
    assert set(plan) == rules | DOWNSTREAM_OF_ROI | REPORTS
    assert not {"make_demo", "index_dataset", "face_crops"} & set(plan)


@pytest.mark.parametrize(
    "flow",
    [
        {"engine": "opencv"},
        {"engine": "tensorflow"},
        {"engine": "auto", "batch_size": 8, "xla_cache": None},
    ],
    ids=["opencv", "tensorflow", "auto_batch_cache"],
)
def test_the_flow_engine_batch_size_and_compilation_cache_rerun_nothing(repo, demo_run, flow):
    assert plan_after(repo, demo_run, {"flow": {"threads": 2, **flow}}) == {}


def test_a_config_listing_its_settings_in_another_order_reruns_nothing(repo, demo_run):
    """Snakemake compares params by repr, where a dict's key order shows: the sections the
    rules take as params, their defaults written in the reverse of the schema's order."""
    schema = yaml.safe_load((repo / "schemas" / "config.schema.yaml").read_text())["properties"]

    def reversed_defaults(properties: dict) -> dict:
        return {
            key: reversed_defaults(value["properties"])
            if "properties" in value
            else value["default"]
            for key, value in reversed(list(properties.items()))
            if "properties" in value or "default" in value
        }

    change = {
        name: reversed_defaults(schema[name]["properties"])
        for name in ("face", "roi", "spotting", "training")
    }
    change["flow"] = {
        "tvl1": reversed_defaults(schema["flow"]["properties"]["tvl1"]["properties"]),
        "threads": 2,
    }
    assert list(change["face"])[-1] == "size"  # the schema lists size first
    assert plan_after(repo, demo_run, change) == {}


def test_flow_gpus_and_memory_follow_the_engine(repo, demo_run):
    """GPUs go to the engines that use them; memory covers TensorFlow's runtime and float32
    crops where it may run: 1500 + 9 x 80 frames x 128^2 / 10^6 MB, against OpenCV's one
    worker (2 cores, 2 flow jobs) at 800 + 300 + 1.5 x 1.31 MB."""
    for engine, gpus, mem_mb in (("opencv", 0, 1101), ("tensorflow", 1, 1511), ("auto", 1, 1511)):
        changed = demo_run / "gpus.yaml"
        flow = {"threads": 2, "engine": engine, "gpus": 1}
        changed.write_text(yaml.safe_dump({**TINY, "flow": flow}))
        args = ("-n", "all", "--forcerun", "optical_flow", "--configfile", str(changed))
        result = snakemake(repo, demo_run, *args)
        assert result.returncode == 0, result.stderr[-2000:]
        resources = planned_resources(result, "optical_flow")
        assert resources and all(f"gpu={gpus}" in line for line in resources), resources
        assert all(f"mem_mb={mem_mb}," in line for line in resources), resources


def test_training_gpus_go_to_the_training_and_scoring_jobs_and_rerun_nothing(repo, demo_run):
    assert plan_after(repo, demo_run, {"training": {"gpus": 1}}) == {}
    for gpus in (0, 1):
        changed = demo_run / "training_gpus.yaml"
        changed.write_text(yaml.safe_dump({**TINY, "training": {"gpus": gpus}}))
        forced = ("--forcerun", "train_fold", "score_folds", "--configfile", str(changed))
        result = snakemake(repo, demo_run, "-n", "all", *forced)
        assert result.returncode == 0, result.stderr[-2000:]
        for rule in ("train_fold", "score_folds"):
            resources = planned_resources(result, rule)
            assert resources and all(f"gpu={gpus}" in line for line in resources), resources


def test_keep_flow_false_drops_each_flow_file_once_its_roi_stacks_exist(repo, tmp_path):
    """flow.keep_flow: false marks the flow files temp(): the ROI stacks stay, a rerun plans
    nothing, and only a change that reruns the ROI stage recomputes the flow."""
    dataset = {"name": "demo", "kind": "demo", "expression_types": ["micro"]}
    config = {**TINY, "datasets": [dataset], "demo": {**TINY["demo"], "frames": 60}}
    config["flow"] = {**TINY["flow"], "keep_flow": False}
    write_config(tmp_path, config)
    result = snakemake(repo, tmp_path, "all_roi_stacks")
    assert result.returncode == 0, result.stderr[-4000:]
    results = tmp_path / "results" / "demo"
    assert list(results.glob("flow/**/*.h5")) == []
    roi_files = sorted(results.glob("roi/k*/*/*.h5"))
    assert len(roi_files) == 2  # one video per subject, one k
    for path in roi_files:
        with h5py.File(path) as roi:
            assert roi["roi"].shape[1:] == (42, 42, 3) and np.abs(roi["roi"][()]).sum() > 0

    def plan() -> dict[str, int]:
        result = snakemake(repo, tmp_path, "-n", "all_roi_stacks")
        assert result.returncode == 0, result.stderr[-2000:]
        return planned_jobs(result)

    assert plan() == {}
    write_config(tmp_path, {**config, "flow": TINY["flow"]})  # keep_flow back at true
    assert plan() == {}
    write_config(tmp_path, {**config, "roi": {"roi_margin": 10}})
    assert plan() == {"optical_flow": 2, "roi_stacks": 2, "all_roi_stacks": 1}


def test_changing_p_plans_only_spotting_evaluation_and_reports(repo, demo_run):
    plan = plan_after(repo, demo_run, {"spotting": {"p": 0.4}})
    expected = {
        "spot_intervals",
        "evaluate",
        "paper_table",
        "plot_score_curves",
        "plot_timelines",
        "all",
    }
    assert set(plan) == expected
    assert plan["spot_intervals"] == plan["evaluate"] == 2  # one per expression type


def test_reports_hold_metrics_tables_and_figures(demo_run):
    results = demo_run / "results" / "demo"
    table = pd.read_csv(results / "report" / "paper_table.csv", index_col="expression")
    assert list(table.index) == ["macro", "micro", "overall"]
    assert set(table["scope"]) == {"labelled"}
    assert table.loc["overall", "TP"] == table.loc["macro", "TP"] + table.loc["micro", "TP"]
    for kind in ("micro", "macro"):
        metrics = json.loads((results / kind / "evaluation" / "metrics.json").read_text())
        assert metrics["spotting"]["p"] == 0.55 and metrics["spotting"]["dummy_interval"] is True
        scope = metrics["scopes"]["labelled"]
        assert scope["videos"] == 2 and scope["TP"] + scope["FN"] == 2  # one event per video
        intervals = pd.read_csv(results / kind / "evaluation" / "intervals.csv")
        assert set(intervals["result"]) <= {"TP", "FP"} and len(intervals) >= 2
        curves = sorted((results / kind / "figures" / "score_curves").glob("*.png"))
        assert len(curves) == 2
        for figure in [*curves, results / kind / "figures" / "p_sweep.png"]:
            assert figure.read_bytes()[:4] == b"\x89PNG"
        scores = pd.read_csv(next((results / kind / "scores").rglob("*.csv")))
        assert list(scores.columns) == ["feature_frame", "frame", "score"]
        assert len(scores) == 80 - metrics["spotting"]["k"]


def test_html_report_is_self_contained(repo, demo_run):
    result = snakemake(repo, demo_run, "--report", "report.html")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (demo_run / "report.html").read_text()
    assert "SOFTNet" in html and "paper_table.csv" in html and "p_sweep.png" in html


def test_all_videos_scope_scores_subjects_without_events_of_the_type(repo, tmp_path):
    """The third subject has no micro-expression: it gets no fold, and its video is scored by
    the model trained on both labelled subjects."""
    dataset = {"name": "demo", "kind": "demo", "expression_types": ["micro"], "video_scope": "all"}
    demo = {"subjects": 3, "frames": 60, "seed": 1, "subjects_without_micro": 1}
    write_config(tmp_path, {**TINY, "datasets": [dataset], "demo": demo})
    result = snakemake(repo, tmp_path, "all")
    assert result.returncode == 0, result.stderr[-4000:]

    videos, events, _ = index_of(tmp_path)
    assert list(videos["subject"]) == ["s15", "s16", "s19"]
    assert set(events.loc[events["subject"] == "s19", "type"]) == {"macro"}
    micro = tmp_path / "results" / "demo" / "micro"
    models = sorted(p.name for p in (micro / "models").glob("*.keras"))
    assert models == ["final.keras", "s15.keras", "s16.keras"]
    log = (tmp_path / "logs" / "demo" / "micro" / "train_fold" / "final.log").read_text()
    assert "fold 0 (final): training on 2 videos" in log
    assert len(list((micro / "scores").rglob("*.csv"))) == 3
    scopes = json.loads((micro / "evaluation" / "metrics.json").read_text())["scopes"]
    assert scopes["labelled"]["videos"] == 2 and scopes["all"]["videos"] == 3
    assert scopes["all"]["TP"] == scopes["labelled"]["TP"]
    assert scopes["all"]["FP"] > scopes["labelled"]["FP"]  # s19's intervals are all false
    table = pd.read_csv(tmp_path / "results" / "demo" / "report" / "paper_table.csv")
    assert set(table["scope"]) == {"labelled", "all"}


def planned_inputs(result, rule: str) -> dict[str, list[str]]:
    """Output -> inputs of each job of `rule` in a dry run's printout (its indented lines)."""
    jobs = {}
    for job in result.stdout.split(f"rule {rule}:\n")[1:]:
        fields = {}
        for line in job.splitlines():
            if not line.startswith("    "):
                break
            key, _, value = line.strip().partition(": ")
            fields[key] = value
        jobs[fields["output"]] = fields["input"].split(", ")
    return jobs


def test_scoring_plans_one_job_per_type_with_each_subjects_model(repo, tmp_path):
    """Two videos for each of p01 and p02, one for p03, which has no micro-expression: one job
    scores a type's videos, each subject's with its fold's model, p03's micro one with the
    final model.
    The frame folders' rate comes from the config (datasets[].fps), as the CSV has none."""
    events = ["subject,video,type,onset,apex,offset"]
    events += [f"{s},a,micro,2,4,6" for s in ("p01", "p02")]
    events += [f"{s},b,macro,3,6,9" for s in ("p01", "p02")] + ["p03,a,macro,3,6,9"]
    root = tmp_path / "lab"
    frame = np.random.default_rng(0).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    for subject, video in [("p01", "a"), ("p01", "b"), ("p02", "a"), ("p02", "b"), ("p03", "a")]:
        (root / subject / video).mkdir(parents=True)
        for number in range(1, 13):
            cv2.imwrite(str(root / subject / video / f"{number:03d}.png"), frame)
    (root / "events.csv").write_text("\n".join(events) + "\n")
    dataset = {"name": "lab", "kind": "generic", "root": str(root), "video_scope": "all"}
    write_config(tmp_path, {"datasets": [{**dataset, "fps": 25}], "flow": {"threads": 2}})
    indexed = snakemake(repo, tmp_path, "results/lab/index/summary.json")
    assert indexed.returncode == 0, indexed.stderr[-3000:]
    assert set(index_of(tmp_path, "lab")[0]["fps"]) == {25.0}
    k = {
        t: e["k"]
        for t, e in json.loads(
            (tmp_path / "results" / "lab" / "index" / "summary.json").read_text()
        ).items()
    }

    result = snakemake(repo, tmp_path, "-n", "all")
    assert result.returncode == 0, result.stderr[-3000:]
    plan = planned_jobs(result)
    assert plan["score_folds"] == 2 and plan["train_fold"] == 6  # 3 models of each type
    assert plan["roi_stacks"] == 10  # 5 videos x 2 k
    roi = "results/lab/roi/k{k}/{subject}/{video}.h5"
    expected = {}
    for t in ("micro", "macro"):
        # p03 has no micro-expression: its video is scored by the final model
        models = ["p01", "p02", "final" if t == "micro" else "p03"]
        expected[f"results/lab/{t}/scores"] = [
            *[f"results/lab/{t}/models/{model}.keras" for model in models],
            *[
                roi.format(k=k[t], subject=subject, video=v)
                for subject, videos in [("p01", "ab"), ("p02", "ab"), ("p03", "a")]
                for v in videos
            ],
        ]
    assert planned_inputs(result, "score_folds") == expected


def test_an_unknown_config_key_is_an_error(repo, tmp_path):
    write_config(tmp_path, dict(TINY, flow={"treads": 2}))
    result = snakemake(repo, tmp_path, "-n", "all")
    assert result.returncode != 0
    assert "treads" in result.stdout + result.stderr


def test_a_missing_release_folder_is_an_error_naming_it(repo, tmp_path):
    missing = tmp_path / "nowhere" / "CASME_sq"
    write_config(
        tmp_path, {"datasets": [{"name": "casme2", "kind": "casme2", "root": str(missing)}]}
    )
    result = snakemake(repo, tmp_path, "-n", "all")
    assert result.returncode != 0
    assert f"dataset root {missing} does not exist" in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()
