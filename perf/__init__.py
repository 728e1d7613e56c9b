"""Measurements of the workflow: time, memory and disk per stage, engines, codecs, and the
published scripts re-enacted. Not part of the product: nothing in softnet/ or rules/ imports it.

Commands: `benchmark` (every stage of one run; the others below serve it), `flow_engines`
(the two TV-L1 engines' speed and accuracy), `cache_codecs` (the caches' codec against gzip).
A benchmark makes or reads a run (`runs`), reads its jobs' records into stage tables
(`stage_tables`), times the flow stage (`flow_stage`) and the TensorFlow jobs
(`tensorflow_jobs`, with `loading`), compares with the published scripts (`scripts_comparison`,
with `scripts_timing`), checks the `targets`, extrapolates to the real releases
(`extrapolation`) and writes the CSV and Markdown `report`, each number a `measures.Measure`.
"""

# Before any measurement imports TensorFlow: the package sets TensorFlow's environment (its
# kernels) as the workflow's jobs run it.
import softnet  # noqa: F401
