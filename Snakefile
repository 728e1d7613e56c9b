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
include: "rules/applied.smk"


# The targets gather files; they run where snakemake runs, not as cluster jobs.
localrules:
    all,
    all_roi_stacks,
    spot,
    final_models,


rule all:
    default_target: True
    input:
        roi_stack_targets,
        report_targets,
        cross_targets,


rule all_roi_stacks:
    input:
        roi_stack_targets,


rule spot:
    input:
        spot_targets,


# Each final model with its card; the card states the LOSO F1, so the dataset's LOSO
# evaluation runs too.
rule final_models:
    input:
        final_model_targets,
