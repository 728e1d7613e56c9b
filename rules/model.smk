include: "inputs/model.smk"


#: The training settings a model depends on; threads and GPUs only place the job.
TRAINING = {k: v for k, v in config["training"].items() if k not in ("threads", "gpus")}


localrules:
    model_card,


rule train_fold:
    input:
        rois=training_rois,
        videos=path_of("videos"),
        events=path_of("events"),
        summary=path_of("summary"),
    output:
        model=path_of("model"),
        history=path_of("history"),
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
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
        training=TRAINING,
    script:
        "../workflow_scripts/train_fold.py"


# One job per dataset and type scores every subject, each with its fold's model: one
# TensorFlow start for all of them, and scoring stays a stage of its own.
rule score_folds:
    input:
        models=scoring_model_files,
        rois=scored_rois,
    output:
        directory(path_of("scores")),
    log:
        "logs/{dataset}/{type}/score_folds.log",
    benchmark:
        "benchmarks/{dataset}/{type}/score_folds.tsv"
    conda:
        "../envs/softnet.yaml"
    threads: config["training"]["threads"]
    resources:
        mem_mb=2000,
        runtime=60,
        gpu=config["training"]["gpus"],
    params:
        version=version("scores"),
        models=lambda wildcards: scoring_models(wildcards.dataset, wildcards.type),
    script:
        "../workflow_scripts/score_folds.py"


# The card states the dataset's LOSO F1, so it takes the LOSO metrics: a card is made only
# with the LOSO evaluation of its dataset and type, and is made again when they change.
rule model_card:
    input:
        model=path_of("model", subject=FINAL_MODEL),
        history=path_of("history", subject=FINAL_MODEL),
        videos=path_of("videos"),
        events=path_of("events"),
        summary=path_of("summary"),
        loso=path_of("metrics"),
    output:
        path_of("card", subject=FINAL_MODEL),
    log:
        "logs/{dataset}/{type}/model_card.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("reports"),
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
        training=TRAINING,
    script:
        "../workflow_scripts/model_card.py"
