include: "inputs/datasets.smk"


localrules:
    index_dataset,


rule make_demo:
    output:
        workbook=path_of("demo_workbook"),
        frames=directory(path_of("demo_frames")),
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
        videos=path_of("videos"),
        events=path_of("events"),
        summary=path_of("summary"),
    log:
        "logs/{dataset}/index_dataset.log",
    wildcard_constraints:
        dataset="|".join(DATASETS),
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("index"),
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
        root=lambda wildcards: dataset_root(wildcards.dataset),
        annotations=lambda wildcards: DATASETS[wildcards.dataset]["annotations"],
        fps=lambda wildcards: DATASETS[wildcards.dataset]["fps"],
    script:
        "../workflow_scripts/index_dataset.py"
