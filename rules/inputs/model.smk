"""The input functions of the model rules: the ROI stacks each fold trains on, the models and
ROI stacks a type's scoring job reads, and the final models (target final_models)."""

from softnet.datasets.labels import videos_in_scope
from softnet.model.folds import FINAL_MODEL


def training_rois(wildcards):
    """ROI files of the labelled videos of every subject but the held-out one (all of them
    for the model of the subjects without a labelled video)."""
    videos, used, k = type_index(wildcards.dataset, wildcards.type)
    labelled = videos_in_scope(videos, used, "labelled")
    return [
        path_of("roi", wildcards, k=k, subject=v.subject, video=v.video)
        for v in labelled.itertuples()
        if v.subject != wildcards.subject
    ]


def scoring_model_files(wildcards):
    """The models that score the type's subjects, each once: every fold's own, and the final
    model for the subjects without a fold."""
    names = scoring_models(wildcards.dataset, wildcards.type).values()
    return [path_of("model", wildcards, subject=name) for name in dict.fromkeys(names)]


def scored_rois(wildcards):
    """ROI files of every video that the dataset's scope scores for the type, in index order."""
    k, videos = videos_for_type(wildcards.dataset, wildcards.type)
    return [
        path_of("roi", wildcards, k=k, subject=v.subject, video=v.video)
        for v in videos.itertuples()
    ]


def final_model_targets(wildcards):
    """Final model and card of every configured dataset and type with events."""
    return [
        path_of(file, dataset=name, type=expression_type, subject=FINAL_MODEL)
        for name in DATASETS
        for expression_type in spotted_types(name)
        for file in ("model", "card")
    ]
