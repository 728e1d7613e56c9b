rule train_fold:
    input:
        rois=training_rois,
        videos="results/{dataset}/index/videos.csv",
        events="results/{dataset}/index/events.csv",
        summary="results/{dataset}/index/summary.json",
    output:
        model="results/{dataset}/{type}/models/{subject}.keras",
        history="results/{dataset}/{type}/models/{subject}.history.csv",
    log:
        "logs/{dataset}/{type}/train_fold/{subject}.log",
    benchmark:
        "benchmarks/{dataset}/{type}/train_fold/{subject}.tsv"
    conda:
        "../envs/softnet.yaml"
    threads: config["training"]["threads"]
    resources:
        mem_mb=4000,
        runtime=240,
        gpu=config["training"]["gpus"],
    params:
        version=version("training"),
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
        training={
            k: v for k, v in config["training"].items() if k not in ("threads", "gpus")
        },
    script:
        "../workflow_scripts/train_fold.py"


rule score_fold:
    input:
        model=fold_model,
        rois=fold_rois,
    output:
        directory("results/{dataset}/{type}/scores/{subject}"),
    log:
        "logs/{dataset}/{type}/scores/{subject}.log",
    benchmark:
        "benchmarks/{dataset}/{type}/scores/{subject}.tsv"
    conda:
        "../envs/softnet.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        version=version("scores"),
    script:
        "../workflow_scripts/score_fold.py"


rule model_card:
    input:
        model="results/{dataset}/{type}/models/final.keras",
        history="results/{dataset}/{type}/models/final.history.csv",
        videos="results/{dataset}/index/videos.csv",
        events="results/{dataset}/index/events.csv",
        summary="results/{dataset}/index/summary.json",
        loso=loso_metrics,
    output:
        "results/{dataset}/{type}/models/final.json",
    log:
        "logs/{dataset}/{type}/model_card.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
        training={
            k: v for k, v in config["training"].items() if k not in ("threads", "gpus")
        },
    script:
        "../workflow_scripts/model_card.py"
