"""The loading measurement: the same batches from memory and through the training loader."""

from perf.loading import measure_loading
from softnet.model import training
from softnet.model.training import TrainingParams
from tests.helpers.arrays import RecordingModel, roi_files


def test_the_loading_measurement_times_the_same_batches_from_memory_and_the_loader(
    tmp_path, monkeypatch
):
    files, labels = roi_files(tmp_path)
    model = RecordingModel()
    monkeypatch.setattr(training, "build_softnet", lambda **_: model)
    params = TrainingParams()
    timing = measure_loading(files, labels, "micro", params, fold_seed=1001, steps=8)
    assert timing.steps == 8 and min(timing.step_s_loading, timing.step_s_in_memory) > 0
    assert timing.ratio == timing.step_s_loading / timing.step_s_in_memory
    # 72 samples: 6 batches, so the loader starts a second epoch after 6 steps
    per_batch = params.batch_size
    first, in_memory = model.samples[:per_batch], model.samples[per_batch : per_batch * 9]
    assert in_memory[:per_batch] == first and len(model.samples) == per_batch * 17
    assert model.samples[per_batch * 9 :] == in_memory
    assert in_memory[per_batch * 6 :] == in_memory[: per_batch * 2]
