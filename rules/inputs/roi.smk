"""The ROI stacks that the configured datasets and types need (target all_roi_stacks)."""


def roi_stack_targets(wildcards):
    """The ROI stack of every (video, k) that some configured dataset and type needs."""
    targets = []
    for name, entry in DATASETS.items():
        targets.append(checkpoints.index_dataset.get(dataset=name).output.summary)
        for expression_type in entry["expression_types"]:
            k, videos = videos_for_type(name, expression_type)
            targets += [
                path_of("roi", dataset=name, k=k, subject=v.subject, video=v.video)
                for v in videos.itertuples()
            ]
    return sorted(set(targets))
