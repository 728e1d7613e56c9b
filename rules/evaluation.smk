rule evaluate:
    input:
        intervals="results/{dataset}/{type}/spotting/intervals.csv",
        settings="results/{dataset}/{type}/spotting/settings.json",
        videos="results/{dataset}/index/videos.csv",
        events="results/{dataset}/index/events.csv",
    output:
        intervals=report(
            "results/{dataset}/{type}/evaluation/intervals.csv",
            caption="../report/intervals.rst",
            category="{dataset}",
            subcategory="{type}",
        ),
        per_video="results/{dataset}/{type}/evaluation/per_video.csv",
        metrics="results/{dataset}/{type}/evaluation/metrics.json",
    log:
        "logs/{dataset}/{type}/evaluate.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("evaluation"),
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
        video_scope=lambda wildcards: DATASETS[wildcards.dataset]["video_scope"],
    script:
        "../workflow_scripts/evaluate.py"


rule paper_table:
    input:
        metrics=lambda wildcards: expand(
            "results/{{dataset}}/{type}/evaluation/metrics.json",
            type=spotted_types(wildcards.dataset),
        ),
    output:
        report(
            "results/{dataset}/report/paper_table.csv",
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
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
        model=(
            "published weights, one per fold"
            if config["training"]["pretrained"]
            else "LOSO, trained here"
        ),
    script:
        "../workflow_scripts/paper_table.py"
