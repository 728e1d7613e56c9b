"""The input functions of the applied-model rules: which weights score which videos at
which k; the targets `spot` and the cross-dataset tests."""

from softnet.applied import models as applied
from softnet.datasets.index import load_videos
from softnet.model.folds import FINAL_MODEL


def weights_folder():
    """The authors' weights folder: published_weights, or else training.pretrained."""
    return config["published_weights"] or config["training"]["pretrained"]


def model_files(wildcards):
    """The weight files of the job's applied model and type."""
    return weight_files(wildcards.model, wildcards.type)


def weight_files(model, expression_type):
    """The weight files of an applied model: a published ensemble, or a final model.

    Not the final model's card: its LOSO F1 changes with p, which must not rescore videos.
    """
    release = applied.published_release(model)
    if release is None:
        return [path_of("model", dataset=model, subject=FINAL_MODEL)]
    if not weights_folder():
        raise ValueError(
            f"model {model} needs the authors' weights: download their "
            "SOFTNet_Weights folder and set published_weights in the config (or pass "
            "--weights to `bootstrap.py spot`)"
        )
    files = applied.published_weight_files(weights_folder(), release, expression_type)
    return [str(path) for path in files]


def model_index(wildcards):
    """The index of the dataset whose final model is applied (its k and fps)."""
    if applied.published_release(wildcards.model) is not None:
        return []
    written = checkpoints.index_dataset.get(dataset=wildcards.model).output
    return [written.videos, written.events, written.summary]


def model_timing(model, expression_type):
    """k and fps the model was trained with: the release's, or the dataset's own."""
    release = applied.published_release(model)
    if release is not None:
        return applied.published_timing(release, expression_type)
    videos, used, k = type_index(model, expression_type)
    if k is None:
        raise ValueError(
            f"dataset {model} has no {expression_type} events: no final model"
        )
    return applied.dataset_timing(videos, used, k)


def applied_types(name):
    """The types an applied run spots: the configured ones on the spot inputs, and those
    with events on a dataset."""
    if name == SPOT_SET:
        return SPOT["expression_types"]
    return spotted_types(name)


def applied_plan(name, model, expression_type):
    """Every video an applied model is given, with its k and why it is skipped ('' when it
    is scored). Only the spot inputs are skipped one by one (unless spot.strict); a
    dataset's video that cannot be scored stops the run."""
    if name == SPOT_SET:
        videos = load_videos(checkpoints.index_inputs.get().output.videos)
        override = SPOT["k"].get(expression_type)
    else:
        videos, override = videos_for_type(name, expression_type)[1], None
    ks = applied.video_ks(
        videos,
        model_timing(model, expression_type),
        override,
        f"model {model} ({expression_type})",
    )
    if name != SPOT_SET or SPOT["strict"]:
        applied.check_scorable(ks)
    return ks


def applied_ks(name, model, expression_type):
    """Videos an applied model scores, each with its k (the model's, scaled to its fps)."""
    ks = applied_plan(name, model, expression_type)
    return ks[ks["skipped"] == ""]


def scored_types(wildcards):
    """The types of an applied run in which the model scores at least one video."""
    name, model = wildcards.dataset, wildcards.model
    return [t for t in applied_types(name) if len(applied_ks(name, model, t))]


def per_scored_type(name):
    """An input function: the file PATHS names for each scored type of the job's run."""
    return lambda wildcards: [
        path_of(name, wildcards, type=t) for t in scored_types(wildcards)
    ]


def skipped_videos(wildcards):
    """Each skipped video and type of an applied run, with its fps, k and reason (the fps
    and k of a video that was never read are left out)."""
    rows = []
    for expression_type in applied_types(wildcards.dataset):
        plan = applied_plan(wildcards.dataset, wildcards.model, expression_type)
        for video in plan[plan["skipped"] != ""].itertuples():
            read = video.frame_count > 0
            rows.append(
                {
                    "subject": video.subject,
                    "video": video.video,
                    "type": expression_type,
                    "fps": float(video.fps) if read else None,
                    "k": int(video.k) if read else None,
                    "reason": video.skipped,
                }
            )
    return rows


def spot_plans():
    """Each model and type of the spot run with its plan's rows (params of spot_plan)."""
    return [
        {
            "model": model,
            "type": expression_type,
            "videos": applied_plan(SPOT_SET, model, expression_type).to_dict("records"),
        }
        for model in SPOT["models"]
        for expression_type in SPOT["expression_types"]
    ]


def applied_rois(wildcards):
    """ROI files of the videos an applied model scores, each at its own k."""
    ks = applied_ks(wildcards.dataset, wildcards.model, wildcards.type)
    return [
        path_of("roi", wildcards, k=v.k, subject=v.subject, video=v.video)
        for v in ks.itertuples()
    ]


def applied_faces(wildcards):
    """Face files of every scored video of the set (thumbnails of the spotted intervals)."""
    name, model = wildcards.dataset, wildcards.model
    return face_files(name, [applied_ks(name, model, t) for t in applied_types(name)])


def spot_faces(wildcards):
    """The face file (or skip record) of every spot input, which the spot index reads."""
    return [
        path_of("faces", dataset=SPOT_SET, subject=subject, video=video)
        for subject, video in spot_sources()
    ]


def check_spot_weights():
    """Missing published weights stop the spot run while it is planned, before any job."""
    for model in SPOT["models"]:
        for expression_type in SPOT["expression_types"]:
            weight_files(model, expression_type)


def spot_plan_models(wildcards):
    """The index of each dataset whose final model the spot run applies (its k and fps)."""
    check_spot_weights()
    return [
        path_of("videos", dataset=model)
        for model in SPOT["models"]
        if model in DATASETS
    ]


def spot_targets(wildcards):
    """Per model of spot.models: the summary and the per-video folder of the spot inputs."""
    if not SPOT["inputs"]:
        raise ValueError(
            "spot: no inputs; give video files or frame folders in spot.inputs, or run "
            "`python3 bootstrap.py spot VIDEO ...`"
        )
    check_spot_weights()
    return [
        path_of(file, dataset=SPOT_SET, model=model)
        for model in SPOT["models"]
        for file in ("applied_summary", "applied_videos")
    ]


def cross_targets(wildcards):
    """Paper table and summary of every configured cross-dataset test."""
    return [
        path_of(file, dataset=name, model=model)
        for name, model in CROSS
        for file in ("applied_paper_table", "applied_summary")
    ]
