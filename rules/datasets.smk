rule make_demo:
    output:
        workbook="resources/{dataset}/CASME_sq/CAS(ME)^2code_final.xlsx",
        frames=directory("resources/{dataset}/CASME_sq/rawpic"),
    log:
        "logs/{dataset}/make_demo.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("demo"),
        demo=config["demo"],
    script:
        "../workflow_scripts/make_demo.py"


checkpoint index_dataset:
    input:
        workbook=annotation_workbook,
    output:
        videos="results/{dataset}/index/videos.csv",
        events="results/{dataset}/index/events.csv",
        summary="results/{dataset}/index/summary.json",
    log:
        "logs/{dataset}/index_dataset.log",
    wildcard_constraints:
        dataset="|".join(DATASETS),
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("index"),
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
        root=lambda wildcards: dataset_root(wildcards.dataset),
        annotations=lambda wildcards: DATASETS[wildcards.dataset]["annotations"],
        fps=lambda wildcards: DATASETS[wildcards.dataset]["fps"],
    script:
        "../workflow_scripts/index_dataset.py"
