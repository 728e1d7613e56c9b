include: "inputs/roi.smk"


rule roi_stacks:
    input:
        flow=path_of("flow"),
        faces=path_of("faces"),
    output:
        path_of("roi"),
    log:
        "logs/{dataset}/roi/k{k}/{subject}/{video}.log",
    benchmark:
        "benchmarks/{dataset}/roi/k{k}/{subject}/{video}.tsv"
    conda:
        "../envs/softnet.yaml"
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        version=version("roi"),
        roi=config["roi"],
    script:
        "../workflow_scripts/roi_stacks.py"
