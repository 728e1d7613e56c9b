"""Helpers of the rules: config validation, dataset lookups and the targets of each stage."""

import json
from pathlib import Path

from snakemake.utils import validate

from softnet import datasets, labels

validate(config, workflow.source_path("../schemas/config.schema.yaml"))

DATASETS = {entry["name"]: entry for entry in config["datasets"]}


wildcard_constraints:
    dataset="|".join(DATASETS),
    subject="[^/]+",
    video="[^/]+",
    k="[0-9]+",
    type="micro|macro",


def package_files(*modules):
    """Source files of the package that a rule's results depend on: a change reruns the rule."""
    return [str(Path(workflow.basedir) / "softnet" / f"{m}.py") for m in modules]


def video_frames(wildcards):
    """Frame count of the job's video, from the dataset's index.

    Read from the file, not through the checkpoint: cluster jobs evaluate resources without
    the checkpoint's state, and Snakemake 9 then fails on an incomplete-checkpoint value.
    """
    videos = datasets.load_videos(f"results/{wildcards.dataset}/index/videos.csv")
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


def flow_code(wildcards):
    """The flow job's package files: the TensorFlow engine's module only when it runs."""
    modules = ["cache", "flow"]
    if config["flow"]["engine"] == "tensorflow":
        modules.append("tvl1_tensorflow")
    return package_files(*modules)


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
        return (
            f"{dataset_root(wildcards.dataset)}/{datasets.KNOWN_WORKBOOKS['casme2'][0]}"
        )
    return str(
        datasets.annotation_path(
            entry["kind"], dataset_root(wildcards.dataset), entry["annotations"]
        )
    )


def frames_folder(wildcards):
    entry = DATASETS[wildcards.dataset]
    root = dataset_root(wildcards.dataset)
    return str(
        datasets.frames_dir(entry["kind"], root, wildcards.subject, wildcards.video)
    )


def dataset_index(name):
    """Videos, events and per-type summary of a dataset, once its index checkpoint has run."""
    index = checkpoints.index_dataset.get(dataset=name).output
    with open(index.summary) as handle:
        summary = json.load(handle)
    return (
        datasets.load_videos(index.videos),
        datasets.load_events(index.events),
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
    """ROI files of the labelled videos of every subject but the held-out one."""
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


def video_roi(wildcards):
    k = dataset_index(wildcards.dataset)[2][wildcards.type]["k"]
    return roi_file(wildcards.dataset, k, wildcards.subject, wildcards.video)


def score_curves(wildcards):
    """Score curve files of every video that the dataset's scope processes for a type."""
    k, videos = videos_for_type(wildcards.dataset, wildcards.type)
    return [
        f"results/{wildcards.dataset}/{wildcards.type}/scores/{v.subject}/{v.video}.csv"
        for v in videos.itertuples()
    ]


def training_histories(wildcards):
    entry = DATASETS[wildcards.dataset]
    videos, events, _ = dataset_index(wildcards.dataset)
    used = labels.used_events(events, entry["kind"], wildcards.type)
    return [
        f"results/{wildcards.dataset}/{wildcards.type}/models/{s}.history.csv"
        for s in labels.fold_subjects(videos, used)
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
    return targets


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
