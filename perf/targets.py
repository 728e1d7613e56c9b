"""The benchmark's targets: ratios of two times measured in the same run, each named by what
it compares."""

from __future__ import annotations

from perf.measures import Measure

#: The flow stage's time per pair / bare DualTVL1OpticalFlow.calc's, same pairs and workers.
MAX_FLOW_OVER_BARE = 1.05
#: Flow throughput with N workers / with 1 worker, per worker (2 workers >= 1.8 x one).
MIN_SPEEDUP_PER_WORKER = 0.9
#: `snakemake all` from frames / the published scripts' stages re-enacted on the same data.
MAX_END_TO_END_OVER_SCRIPTS = 0.5
#: A training step fed by the ROI loader / the same step on batches held in memory.
MAX_LOADING_OVER_MEMORY = 1.2
#: Samples per second of the jobs' compiled training loop / of the loop the jobs ran before it
#: (`train_on_batch` on the kernels TensorFlow chooses by itself for the CPU), same batches.
MIN_COMPILED_OVER_TRAIN_ON_BATCH = 1.8
#: The training logs' samples per second / the loader-fed loop's measured here in as many
#: processes side by side as the run ran training jobs, at most this far from 1.
MAX_LOGS_FROM_MEASURED = 0.1
#: Fold 1's training and scoring jobs / the scripts' loop on the same samples and epochs.
MAX_FOLD_OVER_SCRIPTS = 1.0


def targets(
    flow_over_bare: float, speedup: float, workers_all: int, end_to_end_ratio: float | None
) -> list[Measure]:
    """The flow, workers and end-to-end targets as met / not met (None: not measurable in
    this run). The loader's and fold 1's are checked where those are measured."""
    least = MIN_SPEEDUP_PER_WORKER * workers_all
    return [
        Measure(
            "targets",
            "flow stage / bare TV-L1, same cores",
            flow_over_bare,
            "x",
            target=f"<= {MAX_FLOW_OVER_BARE}",
            met=flow_over_bare <= MAX_FLOW_OVER_BARE,
        ),
        Measure(
            "targets",
            f"flow throughput, {workers_all} workers / 1 worker",
            speedup,
            "x",
            target=f">= {least:.2f}",
            met=speedup >= least,
        ),
        Measure(
            "targets",
            "end to end / the published scripts re-enacted",
            float("nan") if end_to_end_ratio is None else end_to_end_ratio,
            "x",
            target=f"<= {MAX_END_TO_END_OVER_SCRIPTS}",
            met=None
            if end_to_end_ratio is None
            else end_to_end_ratio <= MAX_END_TO_END_OVER_SCRIPTS,
            detail=(
                "not measured: no wall time (a finished run read), or data the scripts "
                "cannot read (video files)"
                if end_to_end_ratio is None
                else ""
            ),
        ),
    ]
