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


# Light bookkeeping runs where snakemake runs, not as cluster jobs.
localrules:
    all,
    features,
    index_dataset,
    spot_intervals,
    evaluate,
    paper_table,
    plot_p_sweep,
    plot_score_curves,
    plot_training_loss,
    plot_timelines,
    index_inputs,
    spot_applied,
    evaluate_applied,
    paper_table_applied,
    spot_report,
    model_card,
    spot,
    final_models,


rule all:
    default_target: True
    input:
        all_roi_stacks,
        all_reports,


rule features:
    input:
        all_roi_stacks,


rule spot:
    input:
        spot_targets,


rule final_models:
    input:
        final_models,
