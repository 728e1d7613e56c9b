rule roi_stacks:
    input:
        flow="results/{dataset}/flow/k{k}/{subject}/{video}.h5",
        faces="results/{dataset}/faces/{subject}/{video}.h5",
        code=package_files("cache", "roi"),
    output:
        "results/{dataset}/roi/k{k}/{subject}/{video}.h5",
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
        roi=config["roi"],
    script:
        "../workflow_scripts/roi_stacks.py"
