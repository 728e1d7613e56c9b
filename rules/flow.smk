include: "inputs/flow.smk"


rule optical_flow:
    input:
        faces=path_of("faces"),
    output:
        flow_output(path_of("flow")),
    log:
        "logs/{dataset}/flow/k{k}/{subject}/{video}.log",
    benchmark:
        "benchmarks/{dataset}/flow/k{k}/{subject}/{video}.tsv"
    conda:
        "../envs/softnet.yaml"
    threads: flow_threads
    resources:
        mem_mb=flow_mem_mb,
        runtime=flow_runtime,
        gpu=flow_gpus,
    params:
        version=version("flow"),
        tvl1=config["flow"]["tvl1"],
        # what the flow's numbers are, whichever engine computes them (flow.engine is read
        # by the job: switching engines reruns nothing)
        arithmetic="opencv",
    script:
        "../workflow_scripts/optical_flow.py"
