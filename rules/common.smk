"""The checked config, the datasets and their index, the path of every file, the wildcards'
constraints and the stage versions, which every rule file shares."""

import json
from functools import cache

import yaml
from snakemake.utils import validate

from softnet.applied.models import PUBLISHED_MODELS
from softnet.config_order import in_schema_order
from softnet.datasets import kinds
from softnet.datasets.index import load_events, load_videos
from softnet.datasets.labels import used_events, videos_in_scope
from softnet.datasets.layout import check_root
from softnet.datasets.spot_inputs import input_videos
from softnet.model.folds import fold_subjects, model_name
from softnet.versions import STAGE_VERSIONS

SCHEMA = workflow.source_path("../schemas/config.schema.yaml")
validate(config, SCHEMA)
# params hold config sections, compared by repr: the file's order of keys must not rerun them
with open(SCHEMA) as schema:
    config.update(in_schema_order(config, yaml.safe_load(schema)))

DATASETS = {entry["name"]: entry for entry in config["datasets"]}
SPOT = config["spot"]
SPOT_SET = SPOT["name"]
CROSS = [(entry["dataset"], entry["model"]) for entry in config["cross_evaluation"]]
MODELS = [*PUBLISHED_MODELS, *DATASETS]


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
    type="|".join(kinds.EXPRESSION_TYPES),


def version(stage):
    """A rule's stage version, carried in its params: a bump reruns the stage and what follows."""
    return STAGE_VERSIONS[stage]


# The workflow makes the demo dataset in the layout of the release it mimics.
DEMO_LAYOUT = kinds.layout_kind("demo")
DEMO_ROOT = f"resources/{{dataset}}/{kinds.RELEASE_FOLDERS[DEMO_LAYOUT]}"

#: Every file and folder the workflow reads or makes, by name; path_of fills their wildcards.
PATHS = {
    "demo_root": DEMO_ROOT,
    "demo_workbook": f"{DEMO_ROOT}/{kinds.KNOWN_WORKBOOKS[DEMO_LAYOUT][0]}",
    "demo_frames": f"{DEMO_ROOT}/{kinds.FRAME_FOLDERS[DEMO_LAYOUT]}",
    "videos": "results/{dataset}/index/videos.csv",
    "events": "results/{dataset}/index/events.csv",
    "summary": "results/{dataset}/index/summary.json",
    "faces": "results/{dataset}/faces/{subject}/{video}.h5",
    "flow": "results/{dataset}/flow/k{k}/{subject}/{video}.h5",
    "roi": "results/{dataset}/roi/k{k}/{subject}/{video}.h5",
    # a model per LOSO fold, named after its held-out subject; the final model has a card
    "model": "results/{dataset}/{type}/models/{subject}.keras",
    "history": "results/{dataset}/{type}/models/{subject}.history.csv",
    "card": "results/{dataset}/{type}/models/{subject}.json",
    # a folder per type: <subject>/<video>.csv, each subject scored by its fold's model
    "scores": "results/{dataset}/{type}/scores",
    "intervals": "results/{dataset}/{type}/spotting/intervals.csv",
    "thresholds": "results/{dataset}/{type}/spotting/thresholds.csv",
    "settings": "results/{dataset}/{type}/spotting/settings.json",
    "evaluated": "results/{dataset}/{type}/evaluation/intervals.csv",
    "per_video": "results/{dataset}/{type}/evaluation/per_video.csv",
    "metrics": "results/{dataset}/{type}/evaluation/metrics.json",
    "score_curves": "results/{dataset}/{type}/figures/score_curves",
    "p_sweep": "results/{dataset}/{type}/figures/p_sweep.png",
    "p_sweep_table": "results/{dataset}/{type}/figures/p_sweep.csv",
    "training_loss": "results/{dataset}/{type}/figures/training_loss.png",
    "paper_table": "results/{dataset}/report/paper_table.csv",
    "timelines": "results/{dataset}/figures/timelines",
    # a model applied to another dataset, or to the spot inputs
    "applied_scores": "results/{dataset}/applied/{model}/{type}/scores",
    "applied_k": "results/{dataset}/applied/{model}/{type}/k.csv",
    "applied_intervals": "results/{dataset}/applied/{model}/{type}/spotting/intervals.csv",
    "applied_thresholds": "results/{dataset}/applied/{model}/{type}/spotting/thresholds.csv",
    "applied_settings": "results/{dataset}/applied/{model}/{type}/spotting/settings.json",
    "applied_evaluated": "results/{dataset}/applied/{model}/{type}/evaluation/intervals.csv",
    "applied_per_video": "results/{dataset}/applied/{model}/{type}/evaluation/per_video.csv",
    "applied_metrics": "results/{dataset}/applied/{model}/{type}/evaluation/metrics.json",
    "applied_paper_table": "results/{dataset}/applied/{model}/report/paper_table.csv",
    "applied_summary": "results/{dataset}/applied/{model}/summary.csv",
    "applied_videos": "results/{dataset}/applied/{model}/videos",
    "spot_plan": "results/{dataset}/plan.txt",
}


class _Unfilled(dict):
    """Leaves a wildcard that is not given as {name}, for Snakemake to match."""

    def __missing__(self, name):
        return f"{{{name}}}"


def path_of(name, wildcards=None, **values):
    """The path PATHS names, with the job's wildcards and the given values filled in; the
    others stay wildcards (path_of("roi") is the rule's pattern)."""
    filled = dict(wildcards.items()) if wildcards is not None else {}
    return PATHS[name].format_map(_Unfilled(filled, **values))


def dataset_kind(name):
    """The spot inputs are read like a generic dataset without events."""
    return "generic" if name == SPOT_SET else DATASETS[name]["kind"]


def dataset_root(name):
    """The folder a dataset is read from; the workflow makes the demo's."""
    entry = DATASETS[name]
    if entry["kind"] == "demo":
        return path_of("demo_root", dataset=name)
    if not entry["root"]:
        raise ValueError(
            f"dataset {name!r} in config.yaml: `root` is required for kind {entry['kind']}"
        )
    return entry["root"]


def check_roots():
    """Each dataset's root, checked once when the config is read: a wrong one stops any
    target, a single file's included, with the path and what was expected."""
    for name, entry in DATASETS.items():
        if entry["kind"] == "demo":
            continue
        try:
            check_root(dataset_root(name), entry["kind"])
        except kinds.DatasetError as error:
            raise kinds.DatasetError(
                f"dataset {name!r} in config.yaml: {error}"
            ) from None


check_roots()


@cache
def spot_sources():
    """(subject, video) -> path of every spot input; listed only when spot jobs need them."""
    return input_videos(SPOT["inputs"])


def dataset_index(name):
    """Videos, events and per-type summary of a dataset, once its index checkpoint has run."""
    written = checkpoints.index_dataset.get(dataset=name).output
    with open(written.summary) as handle:
        summary = json.load(handle)
    return load_videos(written.videos), load_events(written.events), summary


def type_index(name, expression_type):
    """A dataset's videos, its used events of one type, and the type's k (None: no events)."""
    videos, events, summary = dataset_index(name)
    used = used_events(events, dataset_kind(name), expression_type)
    k = summary[expression_type]["k"] if expression_type in summary else None
    return videos, used, k


def videos_for_type(name, expression_type):
    """(k, videos) of one dataset and type; no videos when the type has no events."""
    videos, used, k = type_index(name, expression_type)
    if k is None:
        return None, videos.iloc[0:0]
    return k, videos_in_scope(videos, used, DATASETS[name]["video_scope"])


def spotted_types(name):
    """Expression types of a dataset that have events, hence models and scores."""
    summary = dataset_index(name)[2]
    return [t for t in DATASETS[name]["expression_types"] if t in summary]


def scoring_models(name, expression_type):
    """Subject -> model name for every subject whose videos the dataset's scope scores."""
    videos, used, _ = type_index(name, expression_type)
    folds = fold_subjects(videos, used)
    _, scored = videos_for_type(name, expression_type)
    return {s: model_name(s, folds) for s in scored["subject"]}


def face_files(name, tables):
    """The face file of every video in the tables of videos, once each, sorted."""
    keys = {(v.subject, v.video) for table in tables for v in table.itertuples()}
    return [path_of("faces", dataset=name, subject=s, video=v) for s, v in sorted(keys)]


def per_type(name, types=spotted_types):
    """An input function: the file PATHS names for each type of the job's dataset."""

    def paths(wildcards):
        return [path_of(name, wildcards, type=t) for t in types(wildcards.dataset)]

    return paths
