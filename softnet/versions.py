"""The version of each stage's algorithm: what makes Snakemake rerun a stage.

Every rule carries its stage's version in its params, and Snakemake reruns a job when its
params change. Package files are not rule inputs: editing a comment or refactoring reruns
nothing (on the real datasets a needless rerun of the flow stage costs ~80 CPU-hours).

Bump a stage's number in the same commit as any change that alters its outputs' numbers
(its module, or a helper it calls). tests/workflow/test_golden.py keeps a fingerprint of every
stage's output on a tiny demo and fails when numbers change under an unchanged version;
after a bump, `SOFTNET_UPDATE_GOLDEN=1 python3 bootstrap.py test tests/workflow/test_golden.py`
records the new fingerprints.
"""

STAGE_VERSIONS: dict[str, int] = {
    "demo": 1,  # make_demo: the synthetic dataset (datasets.demo)
    "index": 1,  # index_dataset, index_inputs: videos, events, k (datasets)
    "face": 1,  # face_crops: crops, box, landmarks (face, datasets.videos, cache)
    "flow": 1,  # optical_flow: u, v, strain (flow)
    "roi": 1,  # roi_stacks (roi)
    "training": 1,  # train_fold: fold and final models (model, datasets.labels)
    "scores": 1,  # score_folds, score_applied: score curves (model, applied)
    "spotting": 1,  # spot_intervals, spot_applied: intervals, thresholds (spotting)
    "evaluation": 1,  # evaluate, evaluate_applied: MEGC matching and counts (evaluation)
    "reports": 1,  # tables, figures, model cards, spot reports (reports)
}
