"""The input functions of the report rules, and the reports of target `all`."""


def training_histories(wildcards):
    """Histories of the models that score the scope's videos, in the order of their subjects."""
    models = scoring_models(wildcards.dataset, wildcards.type).values()
    return [path_of("history", wildcards, subject=m) for m in dict.fromkeys(models)]


def timeline_faces(wildcards):
    """Face files of every video that a dataset's LOSO run scores (any type)."""
    name = wildcards.dataset
    return face_files(name, [videos_for_type(name, t)[1] for t in spotted_types(name)])


def report_targets(wildcards):
    """Per dataset: the paper-shaped table and the timelines; per type: metrics and figures."""
    targets = []
    for name in DATASETS:
        targets.append(path_of("paper_table", dataset=name))
        for expression_type in spotted_types(name):
            targets += [
                path_of(file, dataset=name, type=expression_type)
                for file in ("metrics", "score_curves", "p_sweep", "training_loss")
            ]
        targets.append(path_of("timelines", dataset=name))
    return targets
