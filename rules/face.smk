include: "inputs/face.smk"


rule face_crops:
    input:
        source=video_source,
    output:
        path_of("faces"),
    log:
        "logs/{dataset}/faces/{subject}/{video}.log",
    benchmark:
        "benchmarks/{dataset}/faces/{subject}/{video}.tsv"
    conda:
        "../envs/softnet.yaml"
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        version=version("face"),
        kind=lambda wildcards: dataset_kind(wildcards.dataset),
        fps=lambda wildcards: dataset_fps(wildcards.dataset),
        face=config["face"],
    script:
        "../workflow_scripts/face_crops.py"
