include: "inputs/applied.smk"


localrules:
    index_inputs,
    spot_plan,
    spot_applied,
    evaluate_applied,
    paper_table_applied,
    spot_report,


# After the face stage: a video it could not process is skipped, with its reason.
checkpoint index_inputs:
    input:
        sources=lambda wildcards: [str(path) for path in spot_sources().values()],
        faces=spot_faces,
    output:
        videos=path_of("videos", dataset=SPOT_SET),
    log:
        f"logs/{SPOT_SET}/index_inputs.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("index"),
        name=SPOT_SET,
        inputs=SPOT["inputs"],
        fps=SPOT["fps"],
    script:
        "../workflow_scripts/index_inputs.py"


# What the spot run will do, once its index is made: bootstrap.py spot prints it first.
rule spot_plan:
    input:
        videos=path_of("videos", dataset=SPOT_SET),
        models=spot_plan_models,
    output:
        path_of("spot_plan", dataset=SPOT_SET),
    log:
        f"logs/{SPOT_SET}/spot_plan.log",
    conda:
        "../envs/softnet.yaml"
    params:
        plans=lambda wildcards: spot_plans(),
        cores=workflow.cores,
    script:
        "../workflow_scripts/spot_plan.py"


rule score_applied:
    input:
        rois=applied_rois,
        videos=path_of("videos"),
        model=model_files,
        model_index=model_index,
    output:
        scores=directory(path_of("applied_scores")),
        k=path_of("applied_k"),
    log:
        "logs/{dataset}/applied/{model}/{type}/score_applied.log",
    benchmark:
        "benchmarks/{dataset}/applied/{model}/{type}/score_applied.tsv"
    conda:
        "../envs/softnet.yaml"
    threads: config["training"]["threads"]
    resources:
        mem_mb=2000,
        runtime=60,
        gpu=config["training"]["gpus"],
    params:
        version=version("scores"),
        timing=lambda wildcards: model_timing(wildcards.model, wildcards.type),
    script:
        "../workflow_scripts/score_applied.py"


rule spot_applied:
    input:
        scores=path_of("applied_scores"),
        k=path_of("applied_k"),
    output:
        intervals=path_of("applied_intervals"),
        thresholds=path_of("applied_thresholds"),
        settings=path_of("applied_settings"),
    log:
        "logs/{dataset}/applied/{model}/{type}/spot_applied.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("spotting"),
        spotting=config["spotting"],
    script:
        "../workflow_scripts/spot_applied.py"


rule evaluate_applied:
    input:
        intervals=path_of("applied_intervals"),
        settings=path_of("applied_settings"),
        videos=path_of("videos"),
        events=path_of("events"),
    output:
        intervals=path_of("applied_evaluated"),
        per_video=path_of("applied_per_video"),
        metrics=path_of("applied_metrics"),
    log:
        "logs/{dataset}/applied/{model}/{type}/evaluate_applied.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("evaluation"),
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
        video_scope=lambda wildcards: DATASETS[wildcards.dataset]["video_scope"],
    script:
        "../workflow_scripts/evaluate.py"


rule paper_table_applied:
    input:
        metrics=per_type("applied_metrics", applied_types),
    output:
        report(
            path_of("applied_paper_table"),
            caption="../report/cross_table.rst",
            category="{dataset}",
            subcategory="tested with {model}",
        ),
    log:
        "logs/{dataset}/applied/{model}/paper_table.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        kind=None,
        model="{model}",
    script:
        "../workflow_scripts/paper_table.py"


rule spot_report:
    input:
        intervals=per_scored_type("applied_intervals"),
        thresholds=per_scored_type("applied_thresholds"),
        scores=per_scored_type("applied_scores"),
        k=per_scored_type("applied_k"),
        faces=applied_faces,
    output:
        summary=path_of("applied_summary"),
        videos=report(
            directory(path_of("applied_videos")),
            patterns=["{subject}__{video}.timeline.png"],
            caption="../report/timelines.rst",
            category="{dataset}",
            subcategory="spotted with {model}",
        ),
    log:
        "logs/{dataset}/applied/{model}/spot_report.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        types=scored_types,
        skipped=skipped_videos,
        model="{model}",
    script:
        "../workflow_scripts/spot_report.py"
