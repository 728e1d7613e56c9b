"""The input functions of the dataset rules: where a dataset's workbook is."""

from softnet.datasets.layout import annotation_path


def annotation_workbook(wildcards):
    """The dataset's workbook; for real releases a missing one is an error naming the fix."""
    name = wildcards.dataset
    entry = DATASETS[name]
    if entry["kind"] == "demo":
        return path_of("demo_workbook", dataset=name)
    return str(annotation_path(entry["kind"], dataset_root(name), entry["annotations"]))
