localrules:
    spot_intervals,


rule spot_intervals:
    input:
        scores=path_of("scores"),
        summary=path_of("summary"),
    output:
        intervals=path_of("intervals"),
        thresholds=path_of("thresholds"),
        settings=path_of("settings"),
    log:
        "logs/{dataset}/{type}/spot_intervals.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("spotting"),
        spotting=config["spotting"],
    script:
        "../workflow_scripts/spot_intervals.py"
