rule face_crops:
    input:
        frames=frames_folder,
        code=package_files("datasets", "face"),
    output:
        "results/{dataset}/faces/{subject}/{video}.h5",
    params:
        kind=lambda wildcards: DATASETS[wildcards.dataset]["kind"],
        face=config["face"],
    log:
        "logs/{dataset}/faces/{subject}/{video}.log",
    benchmark:
        "benchmarks/{dataset}/faces/{subject}/{video}.tsv"
    resources:
        mem_mb=1000,
        runtime=30,
    conda:
        "../envs/softnet.yaml"
    script:
        "../workflow_scripts/face_crops.py"
