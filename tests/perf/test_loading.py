"""The loading measurement: the same batches from memory and through the training loader, in
the compiled loop and through `train_on_batch`, XLA-compiled steps on a second model, and the
first model's bare steps (no Keras metrics)."""

import os

import numpy as np
import pytest

from perf import loading
from perf.loading import (
    FoldSteps,
    measure_fed_steps,
    measure_in_processes,
    measure_loading,
    tensorflow_process,
)
from softnet.model import training
from softnet.model.network import build_softnet
from softnet.model.training import TrainingParams
from tests.helpers.arrays import RecordingModel, roi_files


def test_the_loading_measurement_times_the_same_batches_from_memory_and_the_loader(
    tmp_path, monkeypatch
):
    files, labels = roi_files(tmp_path)
    models = [RecordingModel(), RecordingModel()]
    built = iter(models)
    monkeypatch.setattr(training, "build_softnet", lambda **_: next(built))
    compiled = []
    monkeypatch.setattr(training, "CompiledSteps", lambda model: compiled.append(model) or model)
    bare = RecordingModel()
    stepped = []
    monkeypatch.setattr(loading, "BareSteps", lambda model: stepped.append(model) or bare)
    params = TrainingParams()
    timing = measure_loading(files, labels, "micro", params, fold_seed=1001, steps=8, rounds=2)
    model, xla = models
    assert compiled == [model, xla] and xla.jit_compile
    assert stepped == [model]
    assert timing.steps == 8 and timing.batch_size == params.batch_size
    assert min(timing.step_s_loading, timing.step_s_in_memory, timing.step_s_train_on_batch) > 0
    assert timing.step_s_xla_in_memory > 0 and timing.step_s_bare_in_memory > 0
    assert 0 < timing.load_s < float("inf")  # the held batches read again, each round
    assert timing.ratio == timing.step_s_loading / timing.step_s_in_memory
    assert timing.speedup == timing.step_s_train_on_batch / timing.step_s_in_memory
    assert timing.xla_speedup == timing.step_s_in_memory / timing.step_s_xla_in_memory
    assert timing.headroom == timing.step_s_train_on_batch / timing.step_s_bare_in_memory
    assert timing.samples_per_s(0.01) == params.batch_size / 0.01
    # 72 samples: 6 batches, so each 8 steps start again after 6. Both loops are traced on the
    # first batch, then in each round train_on_batch, the compiled loop and the loader take 8.
    per_batch = params.batch_size
    traced, steps = model.samples[: 2 * per_batch], model.samples[2 * per_batch :]
    assert traced[:per_batch] == traced[per_batch:] == steps[:per_batch]
    assert len(steps) == 2 * 3 * 8 * per_batch
    runs = [steps[i * 8 * per_batch : (i + 1) * 8 * per_batch] for i in range(6)]
    assert all(run == runs[0] for run in runs)
    assert runs[0][per_batch * 6 :] == runs[0][: per_batch * 2]
    # the XLA steps: traced on the first batch, then in each round 8 from memory
    assert xla.samples[:per_batch] == traced[:per_batch]
    assert xla.samples[per_batch:] == runs[0] * 2
    # the bare steps: likewise
    assert bare.samples == xla.samples


def test_the_bare_steps_train_as_train_on_batch():
    rng = np.random.default_rng(3)
    batches = [
        ([rng.random((4, 42, 42, 1), dtype=np.float32) for _ in range(3)], np.eye(4, dtype="f4")[i])
        for i in range(2)
    ]
    model = build_softnet(seed=5)
    losses, errors = loading.BareSteps(model).run(batches)
    keras_model = build_softnet(seed=5)
    expected = [keras_model.train_on_batch(*batch) for batch in batches]
    assert losses == [np.float32(loss) for loss, _ in expected]
    assert errors == [np.float32(mae) for _, mae in expected]
    initial = build_softnet(seed=5).get_weights()
    assert not np.array_equal(initial[-2], model.get_weights()[-2])  # the steps did update
    for bare, keras in zip(model.get_weights(), keras_model.get_weights()):
        np.testing.assert_array_equal(bare, keras)


def test_a_tensorflow_process_times_every_loop_on_the_kernels_it_starts_with(tmp_path):
    files, labels = roi_files(tmp_path)
    kept = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    fold = FoldSteps(files, labels, "macro", TrainingParams(), 1001, steps=2)
    with tensorflow_process(1, 1, {"TF_ENABLE_ONEDNN_OPTS": "0"}) as process:
        assert os.environ.get("TF_ENABLE_ONEDNN_OPTS") == kept
        timing = process.submit(measure_loading, *fold).result()
    assert timing.device == "CPU (1 thread, Eigen kernels)"
    # XLA's steps too: Keras refuses jit_compile while op determinism is on
    assert timing.steps == 2 and min(timing.step_s_loading, timing.step_s_xla_in_memory) > 0


def test_processes_side_by_side_time_the_loader_fed_loop_as_a_whole(tmp_path):
    files, labels = roi_files(tmp_path)
    fold = FoldSteps(files, labels, "micro", TrainingParams(), 1001, steps=20)
    timings = measure_in_processes(2, 1, measure_fed_steps, fold)
    assert [t.device for t in timings] == ["CPU (1 thread, oneDNN kernels)"] * 2
    assert all(t.steps == 20 and t.samples_per_s == 12 / t.step_s > 0 for t in timings)


def test_a_failing_measuring_process_stops_the_measurement_with_its_error(tmp_path):
    files, labels = roi_files(tmp_path)
    missing = [path.with_name("missing.h5") for path in files]
    fold = FoldSteps(missing, labels, "macro", TrainingParams(), 1001, steps=2)
    with pytest.raises(RuntimeError, match="a measuring process failed") as failed:
        measure_in_processes(2, 1, measure_fed_steps, fold)
    assert isinstance(failed.value.__cause__, FileNotFoundError)
