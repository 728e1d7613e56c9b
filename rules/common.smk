"""Helpers of the rules: config validation, dataset lookups and the targets of each stage."""

import json
from functools import cache
from pathlib import Path

from snakemake.utils import validate

from softnet.applied import models as applied
from softnet.datasets import generic, index, kinds, labels, layout, spot_inputs
from softnet.model import folds
from softnet.versions import STAGE_VERSIONS

validate(config, workflow.source_path("../schemas/config.schema.yaml"))

DATASETS = {entry["name"]: entry for entry in config["datasets"]}
SPOT = config["spot"]
SPOT_SET = SPOT["name"]
CROSS = [(entry["dataset"], entry["model"]) for entry in config["cross_evaluation"]]
MODELS = [*applied.PUBLISHED_MODELS, *DATASETS]


def check_names():
    """Names that would collide in result paths, and models that do not exist, stop the run."""
    names = [entry["name"] for entry in config["datasets"]]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(
            f"config.yaml: datasets named more than once: {twice}; rename them"
        )
    if SPOT_SET in DATASETS:
        raise ValueError(
            f"config.yaml: spot.name {SPOT_SET!r} is also a dataset's name; choose another"
        )
    for where, model in [("spot.models", m) for m in SPOT["models"]] + [
        ("cross_evaluation", m) for _, m in CROSS
    ]:
        if model not in MODELS:
            raise ValueError(
                f"config.yaml: {where} names model {model!r}; models are "
                f"{', '.join(MODELS)} (a dataset's name applies its final model)"
            )
    for dataset, model in CROSS:
        if dataset not in DATASETS or dataset == model:
            raise ValueError(
                f"config.yaml: cross_evaluation tests {dataset!r} with {model!r}; the dataset "
                "must be another configured dataset than the model's (its own are LOSO, `all`)"
            )


check_names()


wildcard_constraints:
    dataset="|".join([*DATASETS, SPOT_SET]),
    model="|".join(MODELS),
    subject="[^/]+",
    video="[^/]+",
    k="[0-9]+",
    type="micro|macro",


def version(stage):
    """A rule's stage version, carried in its params: a bump reruns the stage and what follows."""
    return STAGE_VERSIONS[stage]


def video_frames(wildcards):
    """Frame count of the job's video, from the dataset's index.

    Read from the file, not through the checkpoint: cluster jobs evaluate resources without
    the checkpoint's state, and Snakemake 9 then fails on an incomplete-checkpoint value.
    """
    videos = index.load_videos(f"results/{wildcards.dataset}/index/videos.csv")
    chosen = videos[
        (videos["subject"] == wildcards.subject) & (videos["video"] == wildcards.video)
    ]
    return int(chosen["frame_count"].iloc[0])


def flow_mem_mb(wildcards, threads):
    """Each flow worker holds the video's crops (a long SAMM video: ~190 MB) and a few frames."""
    crops_mb = video_frames(wildcards) * config["face"]["size"] ** 2 / 1e6
    return int(800 + threads * (300 + 1.5 * crops_mb))


def flow_runtime(wildcards, threads):
    """Minutes for the video's TV-L1 pairs at a conservative 0.4 s a pair and process."""
    pairs = video_frames(wildcards) - int(wildcards.k)
    return int(15 + pairs * 0.4 / threads / 60)


def dataset_kind(name):
    """The spot inputs are read like a generic dataset without events."""
    return "generic" if name == SPOT_SET else DATASETS[name]["kind"]


def dataset_fps(name):
    """A configured frame rate for the set's videos; None: the videos' own (30 if unknown)."""
    if name == SPOT_SET:
        return SPOT["fps"]
    entry = DATASETS[name]
    return entry["fps"] or kinds.FPS.get(kinds.layout_kind(entry["kind"]))


def flow_output(path):
    """The flow file, temp() with flow.keep_flow false: deleted once its ROI stacks exist."""
    return path if config["flow"]["keep_flow"] else temp(path)


def flow_gpus(wildcards):
    """GPUs of a flow job: only the tensorflow engine uses them."""
    if config["flow"]["engine"] != "tensorflow":
        return 0
    return config["flow"]["gpus"]


def dataset_root(name):
    entry = DATASETS[name]
    if entry["kind"] == "demo":
        return f"resources/{name}/CASME_sq"
    if not entry["root"]:
        raise ValueError(
            f"dataset {name!r} in config.yaml: `root` is required for kind {entry['kind']}"
        )
    return entry["root"]


def annotation_workbook(wildcards):
    """The dataset's workbook; for real releases a missing one is an error naming the fix."""
    entry = DATASETS[wildcards.dataset]
    if entry["kind"] == "demo":
        return f"{dataset_root(wildcards.dataset)}/{kinds.KNOWN_WORKBOOKS['casme2'][0]}"
    return str(
        layout.annotation_path(
            entry["kind"], dataset_root(wildcards.dataset), entry["annotations"]
        )
    )


@cache
def spot_sources():
    """(subject, video) -> path of every spot input; listed only when spot jobs need them."""
    return spot_inputs.input_videos(SPOT["inputs"])


def video_source(wildcards):
    """The frame folder or video file of a video."""
    name, subject, video = wildcards.dataset, wildcards.subject, wildcards.video
    if name == SPOT_SET:
        return str(spot_sources()[(subject, video)])
    kind = DATASETS[name]["kind"]
    if kind == "generic":
        return str(generic.find_video(dataset_root(name), subject, video))
    return str(layout.frames_dir(kind, dataset_root(name), subject, video))


def dataset_index(name):
    """Videos, events and per-type summary of a dataset, once its index checkpoint has run."""
    index = checkpoints.index_dataset.get(dataset=name).output
    with open(index.summary) as handle:
        summary = json.load(handle)
    return (
        index.load_videos(index.videos),
        index.load_events(index.events),
        summary,
    )


def videos_for_type(name, expression_type):
    """(k, videos) of one dataset and type; no videos when the type has no events."""
    entry = DATASETS[name]
    videos, events, summary = dataset_index(name)
    if expression_type not in summary:
        return None, videos.iloc[0:0]
    used = labels.used_events(events, entry["kind"], expression_type)
    return summary[expression_type]["k"], labels.videos_in_scope(
        videos, used, entry["video_scope"]
    )


def roi_file(name, k, subject, video):
    return f"results/{name}/roi/k{k}/{subject}/{video}.h5"


def training_rois(wildcards):
    """ROI files of the labelled videos of every subject but the held-out one (all of them
    for the model of the subjects without a labelled video)."""
    entry = DATASETS[wildcards.dataset]
    videos, events, summary = dataset_index(wildcards.dataset)
    used = labels.used_events(events, entry["kind"], wildcards.type)
    labelled = labels.videos_in_scope(videos, used, "labelled")
    k = summary[wildcards.type]["k"]
    return [
        roi_file(wildcards.dataset, k, v.subject, v.video)
        for v in labelled.itertuples()
        if v.subject != wildcards.subject
    ]


def scoring_models(name, expression_type):
    """Subject -> model name for every subject whose videos the dataset's scope scores."""
    entry = DATASETS[name]
    videos, events, _ = dataset_index(name)
    used = labels.used_events(events, entry["kind"], expression_type)
    folds = folds.fold_subjects(videos, used)
    _, scored = videos_for_type(name, expression_type)
    return {s: folds.model_name(s, folds) for s in scored["subject"]}


def fold_model(wildcards):
    """The model that scores the subject's videos: its own fold's, or the final model."""
    model = scoring_models(wildcards.dataset, wildcards.type)[wildcards.subject]
    return f"results/{wildcards.dataset}/{wildcards.type}/models/{model}.keras"


def fold_rois(wildcards):
    """ROI files of the subject's videos that the dataset's scope scores, in index order."""
    k, videos = videos_for_type(wildcards.dataset, wildcards.type)
    return [
        roi_file(wildcards.dataset, k, v.subject, v.video)
        for v in videos.itertuples()
        if v.subject == wildcards.subject
    ]


def score_folders(wildcards):
    """The score-curve folder of every subject whose videos the dataset's scope scores for
    a type (one score_fold job each), in index order."""
    _, videos = videos_for_type(wildcards.dataset, wildcards.type)
    return [
        f"results/{wildcards.dataset}/{wildcards.type}/scores/{subject}"
        for subject in dict.fromkeys(videos["subject"])
    ]


def training_histories(wildcards):
    """Histories of the models that score the scope's videos, in the order of their subjects."""
    models = scoring_models(wildcards.dataset, wildcards.type).values()
    return [
        f"results/{wildcards.dataset}/{wildcards.type}/models/{m}.history.csv"
        for m in dict.fromkeys(models)
    ]


def spotted_types(name):
    """Expression types of a dataset that have events, hence models and scores."""
    summary = dataset_index(name)[2]
    return [t for t in DATASETS[name]["expression_types"] if t in summary]


def all_reports(wildcards):
    """Per dataset: the paper-shaped table; per type: metrics and figures."""
    targets = []
    for name in DATASETS:
        targets.append(f"results/{name}/report/paper_table.csv")
        for expression_type in spotted_types(name):
            base = f"results/{name}/{expression_type}"
            targets += [
                f"{base}/evaluation/metrics.json",
                f"{base}/figures/score_curves",
                f"{base}/figures/p_sweep.png",
                f"{base}/figures/training_loss.png",
            ]
        targets.append(f"results/{name}/figures/timelines")
    return targets + cross_targets(wildcards)


def all_roi_stacks(wildcards):
    """The ROI stack of every (video, k) that some configured dataset and type needs."""
    targets = []
    for name, entry in DATASETS.items():
        targets.append(checkpoints.index_dataset.get(dataset=name).output.summary)
        for expression_type in entry["expression_types"]:
            k, videos = videos_for_type(name, expression_type)
            targets += [
                f"results/{name}/roi/k{k}/{v.subject}/{v.video}.h5"
                for v in videos.itertuples()
            ]
    return sorted(set(targets))


def final_model(name, expression_type):
    return f"results/{name}/{expression_type}/models/final.keras"


def loso_metrics(wildcards):
    """The dataset's LOSO metrics for the model card, once `all` has computed them."""
    path = f"results/{wildcards.dataset}/{wildcards.type}/evaluation/metrics.json"
    return [path] if Path(path).is_file() else []


def final_models(wildcards):
    """Final model and card of every configured dataset and type with events."""
    return [
        path
        for name in DATASETS
        for expression_type in spotted_types(name)
        for path in (
            final_model(name, expression_type),
            f"results/{name}/{expression_type}/models/final.json",
        )
    ]


def weights_folder():
    return config["published_weights"] or config["training"]["pretrained"]


def model_files(wildcards):
    """The weight files of an applied model: a published ensemble, or a final model.

    Not the final model's card: its LOSO F1 changes with p, which must not rescore videos.
    """
    release = applied.published_release(wildcards.model)
    if release is None:
        return [final_model(wildcards.model, wildcards.type)]
    if not weights_folder():
        raise ValueError(
            f"model {wildcards.model} needs the authors' weights: download their "
            "SOFTNet_Weights folder and set published_weights in the config (or pass "
            "--weights to `bootstrap.py spot`)"
        )
    files = applied.published_weight_files(weights_folder(), release, wildcards.type)
    return [str(path) for path in files]


def model_index(wildcards):
    """The index of the dataset whose final model is applied (its k and fps)."""
    if applied.published_release(wildcards.model) is not None:
        return []
    index = checkpoints.index_dataset.get(dataset=wildcards.model).output
    return [index.videos, index.events, index.summary]


def model_timing(model, expression_type):
    """k and fps the model was trained with: the release's, or the dataset's own."""
    release = applied.published_release(model)
    if release is not None:
        return applied.published_timing(release, expression_type)
    videos, events, summary = dataset_index(model)
    if expression_type not in summary:
        raise ValueError(
            f"dataset {model} has no {expression_type} events: no final model"
        )
    used = labels.used_events(events, DATASETS[model]["kind"], expression_type)
    return applied.dataset_timing(videos, used, summary[expression_type]["k"])


def spot_index():
    return index.load_videos(checkpoints.index_inputs.get().output.videos)


def applied_types(name):
    if name == SPOT_SET:
        return SPOT["expression_types"]
    return spotted_types(name)


def applied_ks(name, model, expression_type):
    """Videos an applied model scores, each with its k (the model's, scaled to its fps)."""
    if name == SPOT_SET:
        videos, override = spot_index(), SPOT["k"].get(expression_type)
    else:
        videos, override = videos_for_type(name, expression_type)[1], None
    return applied.video_ks(
        videos,
        model_timing(model, expression_type),
        override,
        f"model {model} ({expression_type})",
    )


def applied_rois(wildcards):
    ks = applied_ks(wildcards.dataset, wildcards.model, wildcards.type)
    return [
        roi_file(wildcards.dataset, v.k, v.subject, v.video) for v in ks.itertuples()
    ]


def applied_faces(wildcards):
    """Face files of every video of the set (thumbnails of the spotted intervals)."""
    keys = set()
    for expression_type in applied_types(wildcards.dataset):
        ks = applied_ks(wildcards.dataset, wildcards.model, expression_type)
        keys |= set(zip(ks["subject"], ks["video"]))
    return [f"results/{wildcards.dataset}/faces/{s}/{v}.h5" for s, v in sorted(keys)]


def index_videos(wildcards):
    return f"results/{wildcards.dataset}/index/videos.csv"


def applied_base(wildcards):
    return f"results/{wildcards.dataset}/applied/{wildcards.model}"


def applied_per_type(pattern):
    """An input function: `pattern` under each type of the applied run, e.g. 'spotting/intervals.csv'."""

    def paths(wildcards):
        return [
            f"{applied_base(wildcards)}/{t}/{pattern}"
            for t in applied_types(wildcards.dataset)
        ]

    return paths


def spot_targets(wildcards):
    """Per model of spot.models: the summary and the per-video folder of the spot inputs."""
    if not SPOT["inputs"]:
        raise ValueError(
            "spot: no inputs; give video files or frame folders in spot.inputs, or run "
            "`python3 bootstrap.py spot VIDEO ...`"
        )
    return [
        path
        for model in SPOT["models"]
        for path in (
            f"results/{SPOT_SET}/applied/{model}/summary.csv",
            f"results/{SPOT_SET}/applied/{model}/videos",
        )
    ]


def cross_targets(wildcards):
    """Paper table and timelines of every configured cross-dataset test."""
    return [
        f"results/{name}/applied/{model}/{path}"
        for name, model in CROSS
        for path in ("report/paper_table.csv", "summary.csv")
    ]


def timeline_faces(wildcards):
    """Face files of every video that a dataset's LOSO run scores (any type)."""
    keys = set()
    for expression_type in spotted_types(wildcards.dataset):
        videos = videos_for_type(wildcards.dataset, expression_type)[1]
        keys |= set(zip(videos["subject"], videos["video"]))
    return [f"results/{wildcards.dataset}/faces/{s}/{v}.h5" for s, v in sorted(keys)]
