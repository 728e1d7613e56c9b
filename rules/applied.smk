checkpoint index_inputs:
    input:
        lambda wildcards: [str(path) for path in spot_sources().values()],
    output:
        videos=f"results/{SPOT_SET}/index/videos.csv",
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


rule score_applied:
    input:
        rois=applied_rois,
        videos=index_videos,
        model=model_files,
        model_index=model_index,
    output:
        scores=directory("results/{dataset}/applied/{model}/{type}/scores"),
        k="results/{dataset}/applied/{model}/{type}/k.csv",
    log:
        "logs/{dataset}/applied/{model}/{type}/score_applied.log",
    benchmark:
        "benchmarks/{dataset}/applied/{model}/{type}/score_applied.tsv"
    conda:
        "../envs/softnet.yaml"
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        version=version("scores"),
        timing=lambda wildcards: model_timing(wildcards.model, wildcards.type),
    script:
        "../workflow_scripts/score_applied.py"


rule spot_applied:
    input:
        scores="results/{dataset}/applied/{model}/{type}/scores",
        k="results/{dataset}/applied/{model}/{type}/k.csv",
    output:
        intervals="results/{dataset}/applied/{model}/{type}/spotting/intervals.csv",
        thresholds="results/{dataset}/applied/{model}/{type}/spotting/thresholds.csv",
        settings="results/{dataset}/applied/{model}/{type}/spotting/settings.json",
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
        intervals="results/{dataset}/applied/{model}/{type}/spotting/intervals.csv",
        settings="results/{dataset}/applied/{model}/{type}/spotting/settings.json",
        videos="results/{dataset}/index/videos.csv",
        events="results/{dataset}/index/events.csv",
    output:
        intervals="results/{dataset}/applied/{model}/{type}/evaluation/intervals.csv",
        per_video="results/{dataset}/applied/{model}/{type}/evaluation/per_video.csv",
        metrics="results/{dataset}/applied/{model}/{type}/evaluation/metrics.json",
    log:
        "logs/{dataset}/applied/{model}/{type}/evaluate_applied.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("evaluation"),
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
        video_scope=lambda wildcards: DATASETS[wildcards.dataset]["video_scope"],
    script:
        "../workflow_scripts/evaluate.py"


rule paper_table_applied:
    input:
        metrics=applied_per_type("evaluation/metrics.json"),
    output:
        report(
            "results/{dataset}/applied/{model}/report/paper_table.csv",
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
        intervals=applied_per_type("spotting/intervals.csv"),
        thresholds=applied_per_type("spotting/thresholds.csv"),
        scores=applied_per_type("scores"),
        k=applied_per_type("k.csv"),
        faces=applied_faces,
    output:
        summary="results/{dataset}/applied/{model}/summary.csv",
        videos=report(
            directory("results/{dataset}/applied/{model}/videos"),
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
        types=lambda wildcards: applied_types(wildcards.dataset),
        model="{model}",
    script:
        "../workflow_scripts/spot_report.py"
