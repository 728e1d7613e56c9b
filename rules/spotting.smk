rule spot_intervals:
    input:
        scores=score_folders,
        summary="results/{dataset}/index/summary.json",
    output:
        intervals="results/{dataset}/{type}/spotting/intervals.csv",
        thresholds="results/{dataset}/{type}/spotting/thresholds.csv",
        settings="results/{dataset}/{type}/spotting/settings.json",
    log:
        "logs/{dataset}/{type}/spot_intervals.log",
    conda:
        "../envs/softnet.yaml"
    params:
        version=version("spotting"),
        spotting=config["spotting"],
    script:
        "../workflow_scripts/spot_intervals.py"
