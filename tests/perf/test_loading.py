"""The loading measurement: the same batches from memory and through the training loader, in
the compiled loop and through `train_on_batch`, XLA-compiled steps on a second model, and the
first model's gradients alone."""

import numpy as np

from perf import loading
from perf.loading import measure_loading
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
    gradients = RecordingModel()
    differentiated = []
    monkeypatch.setattr(
        loading, "GradientsAlone", lambda model: differentiated.append(model) or gradients
    )
    params = TrainingParams()
    timing = measure_loading(files, labels, "micro", params, fold_seed=1001, steps=8, rounds=2)
    model, xla = models
    assert compiled == [model, xla] and xla.jit_compile
    assert differentiated == [model]
    assert timing.steps == 8 and timing.batch_size == params.batch_size
    assert min(timing.step_s_loading, timing.step_s_in_memory, timing.step_s_train_on_batch) > 0
    assert timing.step_s_xla_in_memory > 0 and timing.step_s_gradients_in_memory > 0
    assert 0 < timing.load_s < float("inf")  # the held batches read again, each round
    assert timing.ratio == timing.step_s_loading / timing.step_s_in_memory
    assert timing.speedup == timing.step_s_train_on_batch / timing.step_s_in_memory
    assert timing.xla_speedup == timing.step_s_in_memory / timing.step_s_xla_in_memory
    assert timing.headroom == timing.step_s_train_on_batch / timing.step_s_gradients_in_memory
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
    # the gradients alone: likewise
    assert gradients.samples == xla.samples


def test_the_gradients_alone_leave_the_weights_and_give_the_first_steps_loss():
    rng = np.random.default_rng(3)
    batch = ([rng.random((4, 42, 42, 1), dtype=np.float32) for _ in range(3)], np.ones(4, "f4"))
    model = build_softnet(seed=5)
    before = [w.copy() for w in model.get_weights()]
    losses, _ = loading.GradientsAlone(model).run([batch, batch])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert losses[0] == losses[1]  # no update between the two
    first_loss, _ = build_softnet(seed=5).train_on_batch(*batch)
    assert losses[0] == np.float32(first_loss)
