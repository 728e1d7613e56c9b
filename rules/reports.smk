include: "inputs/reports.smk"


localrules:
    plot_score_curves,
    plot_p_sweep,
    plot_training_loss,
    plot_timelines,


rule plot_score_curves:
    input:
        scores=path_of("scores"),
        intervals=path_of("evaluated"),
        thresholds=path_of("thresholds"),
        events=path_of("events"),
        summary=path_of("summary"),
    output:
        report(
            directory(path_of("score_curves")),
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
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
    script:
        "../workflow_scripts/plot_score_curves.py"


rule plot_p_sweep:
    input:
        scores=path_of("scores"),
        videos=path_of("videos"),
        events=path_of("events"),
        summary=path_of("summary"),
    output:
        figure=report(
            path_of("p_sweep"),
            caption="../report/p_sweep.rst",
            category="{dataset}",
            subcategory="{type}",
        ),
        table=path_of("p_sweep_table"),
    log:
        "logs/{dataset}/{type}/plot_p_sweep.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
        p_grid=config["reports"]["p_grid"],
        dummy_interval=config["spotting"]["dummy_interval"],
    script:
        "../workflow_scripts/plot_p_sweep.py"


rule plot_training_loss:
    input:
        histories=training_histories,
    output:
        report(
            path_of("training_loss"),
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
        intervals=per_type("evaluated"),
        summary=path_of("summary"),
        videos=path_of("videos"),
        faces=timeline_faces,
    output:
        report(
            directory(path_of("timelines")),
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
