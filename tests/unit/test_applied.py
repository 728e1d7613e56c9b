"""Models applied to other videos: k scaled by frame rate, the published ensemble, outputs."""

import numpy as np
import pandas as pd
import pytest

from softnet.applied.models import (
    ModelTiming,
    WeightsFolderError,
    check_scorable,
    published_release,
    published_timing,
    published_weight_files,
    scaled_k,
    video_ks,
)
from softnet.applied.plan import flow_pairs, plan_text
from softnet.reports.figures import plot_timeline
from softnet.spotting import in_seconds


def test_k_scales_with_the_ratio_of_frame_rates():
    casme_micro = published_timing("casme2", "micro")
    assert casme_micro == ModelTiming(6, 30.0)
    assert scaled_k(casme_micro, 30.0) == 6
    assert scaled_k(casme_micro, 60.0) == 12
    assert scaled_k(published_timing("sammlv", "micro"), 30.0) == 6  # 37 * 30 / 200 = 5.55
    assert scaled_k(published_timing("sammlv", "macro"), 30.0) == 26  # 174 * 0.15 = 26.1
    assert scaled_k(ModelTiming(2, 200.0), 25.0) == 1  # never below 1


def test_model_references():
    assert published_release("published-casme2") == "casme2"
    assert published_release("published-sammlv") == "sammlv"
    assert published_release("demo") is None


def videos_table(frames: list[int], fps: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subject": [f"s{i}" for i in range(len(frames))],
            "video": [f"v{i}" for i in range(len(frames))],
            "source": [f"/data/v{i}.mp4" for i in range(len(frames))],
            "fps": fps,
            "frame_count": frames,
            "excluded": "",
        }
    )


def test_each_video_gets_its_own_k_or_the_override():
    videos = videos_table([100, 100], [30.0, 60.0])
    timing = ModelTiming(6, 30.0)
    assert list(video_ks(videos, timing, None, "m")["k"]) == [6, 12]
    assert list(video_ks(videos, timing, 4, "m")["k"]) == [4, 4]


def test_a_video_too_short_for_k_is_skipped_or_an_error_naming_it():
    videos = videos_table([100, 12, 5], [30.0, 60.0, 30.0])
    videos.loc[2, "excluded"] = "no face"
    ks = video_ks(videos, ModelTiming(6, 30.0), None, "m")
    assert ks["skipped"][0] == "" and ks["skipped"][2] == "no face"
    assert ks["skipped"][1].startswith("/data/v1.mp4: 12 frames are too few for m (k = 12 at 60")
    with pytest.raises(ValueError, match=r"/data/v1.mp4: 12 frames are too few for m \(k = 12"):
        check_scorable(ks)
    check_scorable(ks.iloc[:1])  # nothing skipped: no error


def test_a_missing_weights_folder_is_an_error_naming_it(tmp_path):
    with pytest.raises(WeightsFolderError, match=f"published weights folder {tmp_path / 'x'}"):
        published_weight_files(tmp_path / "x", "casme2", "micro")
    (tmp_path / "CASME_sq" / "micro-expression").mkdir(parents=True)
    with pytest.raises(WeightsFolderError, match="no weight files s<fold>.hdf5 in"):
        published_weight_files(tmp_path, "casme2", "micro")


def test_weight_files_come_in_fold_order(tmp_path):
    folder = tmp_path / "SAMMLV" / "macro-expression"
    folder.mkdir(parents=True)
    for fold in range(10, 0, -1):
        (folder / f"s{fold}.hdf5").touch()
    names = [p.name for p in published_weight_files(tmp_path, "sammlv", "macro")]
    assert names == [f"s{fold}.hdf5" for fold in range(1, 11)]  # s10 last, not after s1


def test_the_published_ensemble_is_the_mean_of_its_folds(published_weights):
    from softnet.model.scoring import ensemble_scores, load_models

    files = published_weight_files(published_weights, "casme2", "micro")
    assert len(files) == 4
    inputs = np.load(published_weights / "inputs.npy")
    models = load_models(files)
    each = np.stack([ensemble_scores([model], inputs) for model in models])
    assert each.std(axis=0).min() > 0  # the folds really differ
    np.testing.assert_allclose(ensemble_scores(models, inputs), each.mean(axis=0), atol=1e-6)


def test_intervals_for_people_in_frames_and_seconds():
    intervals = pd.DataFrame(
        {
            "onset": [11, 6],
            "offset": [21, 6],
            "score": [0.8123456789, np.nan],
            "dummy": [False, True],
        }
    )
    table = in_seconds(intervals, k=5, fps=10.0)
    assert len(table) == 1  # the dummy is no detection
    row = table.iloc[0]
    assert (row.onset, row.offset, row.peak_frame) == (11, 21, 16)
    assert (row.onset_s, row.offset_s, row.peak_s) == (1.0, 2.0, 1.5)
    assert row.score == 0.812346


def test_timeline_draws_a_figure_with_thumbnails(tmp_path):
    crops = np.random.default_rng(0).integers(0, 255, (60, 128, 128), dtype=np.uint8)
    lane = pd.DataFrame(
        {"onset": [5, 30], "offset": [15, 40], "peak_frame": [10, 35], "score": [0.5, 0.9]}
    )
    path = tmp_path / "timeline.png"
    plot_timeline(path, "s1/v1", 60, 30.0, {"micro": lane, "macro": lane.iloc[:1]}, crops)
    assert path.read_bytes()[:4] == b"\x89PNG" and path.stat().st_size > 5000


def test_the_spot_plan_lists_the_inputs_k_pairs_and_an_estimate():
    videos = videos_table([60, 12, 40], [30.0, 30.0, 30.0])
    videos.loc[2, "excluded"] = "no face"
    plans = {
        ("m", kind): video_ks(videos, ModelTiming(k, 30.0), None, "m")
        for kind, k in (("micro", 6), ("macro", 18))
    }
    assert flow_pairs(plans) == (60 - 6) + (12 - 6) + (60 - 18)
    lines = plan_text("spot", videos, plans, cores=2).splitlines()
    assert lines[0] == "spot plan for results/spot: 3 input(s), 1 skipped by the face stage"
    assert lines[1:4] == [
        "  s0/v0  60 frames at 30 fps (2.0 s)",
        "  s1/v1  12 frames at 30 fps (0.4 s)",
        "  s2/v2  skipped: no face",
    ]
    assert lines[4] == "m micro: k = 6 for 2 video(s)"
    assert lines[5] == "m macro: k = 18 for 1 video(s); 1 with no more than k frames, skipped"
    # 102 pairs on 2 cores at 1.8 and 0.65 pairs/s a core: 28 s and 78 s
    assert lines[6].startswith("TV-L1 flow: 102 frame pairs in all")
    assert lines[6].endswith("about 28 s to 78 s, plus the scoring")
