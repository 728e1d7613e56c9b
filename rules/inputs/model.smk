"""The input functions of the model rules: the ROI stacks each fold trains on and
scores, and the final models (target final_models)."""

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


def fold_model(wildcards):
    """The model that scores the subject's videos: its own fold's, or the final model."""
    model = scoring_models(wildcards.dataset, wildcards.type)[wildcards.subject]
    return path_of("model", wildcards, subject=model)


def fold_rois(wildcards):
    """ROI files of the subject's videos that the dataset's scope scores, in index order."""
    k, videos = videos_for_type(wildcards.dataset, wildcards.type)
    return [
        path_of("roi", wildcards, k=k, subject=v.subject, video=v.video)
        for v in videos.itertuples()
        if v.subject == wildcards.subject
    ]


def final_model_targets(wildcards):
    """Final model and card of every configured dataset and type with events."""
    return [
        path_of(file, dataset=name, type=expression_type, subject=FINAL_MODEL)
        for name in DATASETS
        for expression_type in spotted_types(name)
        for file in ("model", "card")
    ]
