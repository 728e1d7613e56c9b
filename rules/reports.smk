rule plot_score_curves:
    input:
        scores=score_folders,
        intervals="results/{dataset}/{type}/evaluation/intervals.csv",
        thresholds="results/{dataset}/{type}/spotting/thresholds.csv",
        events="results/{dataset}/index/events.csv",
        summary="results/{dataset}/index/summary.json",
    output:
        report(
            directory("results/{dataset}/{type}/figures/score_curves"),
            patterns=["{subject}__{video}.png"],
            caption="../report/score_curves.rst",
            category="{dataset}",
            subcategory="{type}",
        ),
    log:
        "logs/{dataset}/{type}/plot_score_curves.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
    script:
        "../workflow_scripts/plot_score_curves.py"


rule plot_p_sweep:
    input:
        scores=score_folders,
        videos="results/{dataset}/index/videos.csv",
        events="results/{dataset}/index/events.csv",
        summary="results/{dataset}/index/summary.json",
    output:
        figure=report(
            "results/{dataset}/{type}/figures/p_sweep.png",
            caption="../report/p_sweep.rst",
            category="{dataset}",
            subcategory="{type}",
        ),
        table="results/{dataset}/{type}/figures/p_sweep.csv",
    log:
        "logs/{dataset}/{type}/plot_p_sweep.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
        p_grid=config["reports"]["p_grid"],
        dummy_interval=config["spotting"]["dummy_interval"],
    script:
        "../workflow_scripts/plot_p_sweep.py"


rule plot_training_loss:
    input:
        histories=training_histories,
    output:
        report(
            "results/{dataset}/{type}/figures/training_loss.png",
            caption="../report/training_loss.rst",
            category="{dataset}",
            subcategory="{type}",
        ),
    log:
        "logs/{dataset}/{type}/plot_training_loss.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
    script:
        "../workflow_scripts/plot_training_loss.py"


rule plot_timelines:
    input:
        intervals=lambda wildcards: expand(
            "results/{{dataset}}/{type}/evaluation/intervals.csv",
            type=spotted_types(wildcards.dataset),
        ),
        summary="results/{dataset}/index/summary.json",
        videos="results/{dataset}/index/videos.csv",
        faces=timeline_faces,
    output:
        report(
            directory("results/{dataset}/figures/timelines"),
            patterns=["{subject}__{video}.png"],
            caption="../report/timelines.rst",
            category="{dataset}",
            subcategory="timelines",
        ),
    log:
        "logs/{dataset}/plot_timelines.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        types=lambda wildcards: spotted_types(wildcards.dataset),
    script:
        "../workflow_scripts/plot_timelines.py"
