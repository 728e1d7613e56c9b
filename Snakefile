from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/datasets.smk"
include: "rules/face.smk"
include: "rules/flow.smk"
include: "rules/roi.smk"
include: "rules/model.smk"
include: "rules/spotting.smk"
include: "rules/evaluation.smk"
include: "rules/reports.smk"


rule all:
    default_target: True
    input:
        all_roi_stacks,
        all_reports,
