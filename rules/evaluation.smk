localrules:
    evaluate,
    paper_table,


rule evaluate:
    input:
        intervals=path_of("intervals"),
        settings=path_of("settings"),
        videos=path_of("videos"),
        events=path_of("events"),
    output:
        intervals=report(
            path_of("evaluated"),
            caption="../report/intervals.rst",
            category="{dataset}",
            subcategory="{type}",
        ),
        per_video=path_of("per_video"),
        metrics=path_of("metrics"),
    log:
        "logs/{dataset}/{type}/evaluate.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("evaluation"),
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
        video_scope=lambda wildcards: DATASETS[wildcards.dataset]["video_scope"],
    script:
        "../workflow_scripts/evaluate.py"


rule paper_table:
    input:
        metrics=per_type("metrics"),
    output:
        report(
            path_of("paper_table"),
            caption="../report/paper_table.rst",
            category="{dataset}",
            subcategory="summary",
        ),
    log:
        "logs/{dataset}/paper_table.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
        model=(
            "published weights, one per fold"
            if config["training"]["pretrained"]
            else "LOSO, trained here"
        ),
    script:
        "../workflow_scripts/paper_table.py"
