"""Smoothing, threshold and peak picking turn a score curve into the right frame intervals."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.signal import find_peaks

from softnet.spotting import one_based, score_files, smooth, spot, threshold


def test_smooth_averages_the_window_before_and_after_each_frame():
    curve = np.array([0, 4, 0, 0, 8, 0, 0], dtype=float)
    # k = 1: s'[j] = mean(s[j-1], s[j]) for j = 1..5.
    np.testing.assert_allclose(smooth(curve, 1), [2, 2, 0, 4, 4])
    # k = 2: s'[j] = mean(s[j-2 .. j+1]) for j = 2..4.
    np.testing.assert_allclose(smooth(curve, 2), [1, 3, 2])


def test_smooth_of_a_curve_too_short_is_empty():
    assert smooth(np.ones(4), 2).shape == (0,)
    assert smooth(np.ones(5), 2).shape == (1,)


def test_k_below_one_is_rejected():
    with pytest.raises(ValueError, match="k must be at least 1"):
        smooth(np.ones(10), 0)


def test_threshold_is_mean_plus_p_times_the_gap_to_the_max():
    curve = np.array([1, 2, 3, 6], dtype=float)  # mean 3, max 6
    assert threshold(curve, 0.5) == pytest.approx(4.5)
    assert threshold(curve, 0.0) == pytest.approx(3.0)
    assert threshold(curve, 1.0) == pytest.approx(6.0)


def test_bumps_map_to_intervals_centred_on_them():
    # Bumps centred between feature frames 60/61 and 150/151: the 2k-frame window
    # s[j-k .. j+k-1] is centred at j - 0.5, so the smoothed maxima are at j = 61 and 151,
    # i.e. smoothed indices q = j - k = 56 and 146.
    frames = np.arange(200.0)
    curve = np.exp(-((frames - 60.5) ** 2) / 18) + 0.8 * np.exp(-((frames - 150.5) ** 2) / 18)
    result = spot(curve, k=5, p=0.55)
    peaks = one_based(result.peaks)
    assert peaks["q"].tolist() == [56, 146]
    assert peaks[["start0", "end0"]].values.tolist() == [[56, 66], [146, 156]]
    assert peaks[["onset", "offset"]].values.tolist() == [[57, 67], [147, 157]]
    assert not peaks["dummy"].any()
    smoothed = smooth(curve, 5)
    np.testing.assert_allclose(peaks["score"], smoothed[[56, 146]])
    assert result.threshold == pytest.approx(threshold(smoothed, 0.55))


def test_peaks_closer_than_k_keep_only_the_higher_one():
    curve = np.zeros(40)
    curve[[10, 12, 15]] = 1.0
    curve[17] = 0.5
    k = 3
    smoothed = smooth(curve, k)
    thr = threshold(smoothed, 0.55)
    # Two peaks above the threshold, 2 < k apart, of heights 3/6 and 2.5/6.
    assert find_peaks(smoothed, height=thr)[0].tolist() == [10, 12]
    peaks = spot(curve, k, 0.55).peaks
    assert peaks["q"].tolist() == [10]
    assert peaks["score"].tolist() == pytest.approx([0.5])


def test_a_flat_curve_gets_the_dummy_interval_at_frame_k():
    peaks = one_based(spot(np.ones(50), k=5, p=0.55).peaks)
    assert len(peaks) == 1
    row = peaks.iloc[0]
    assert bool(row["dummy"])
    assert (row["q"], row["start0"], row["end0"]) == (0, 5, 5)
    assert (row["onset"], row["offset"]) == (6, 6)
    assert np.isnan(row["score"])


def test_without_the_dummy_option_a_flat_curve_spots_nothing():
    result = spot(np.ones(50), k=5, p=0.55, dummy_when_empty=False)
    assert result.peaks.empty
    assert list(result.peaks.columns) == ["q", "score", "start0", "end0", "dummy"]


def test_a_curve_too_short_to_smooth_spots_only_the_dummy():
    result = spot(np.ones(10), k=5, p=0.55)
    assert np.isnan(result.threshold)
    assert result.peaks[["start0", "end0", "dummy"]].values.tolist() == [[5, 5, True]]
    assert spot(np.ones(10), k=5, p=0.55, dummy_when_empty=False).peaks.empty


def test_peak_tables_of_several_videos_concatenate_with_stable_dtypes():
    empty = spot(np.ones(10), k=5, p=0.55, dummy_when_empty=False).peaks
    full = spot(np.ones(50), k=5, p=0.55).peaks
    both = pd.concat([empty, full], ignore_index=True)
    assert both.dtypes.to_dict() == full.dtypes.to_dict()
    assert both["start0"].dtype == np.int64 and both["dummy"].dtype == bool


def test_score_files_come_subject_by_subject_in_natural_order(tmp_path: Path):
    for name in ("s10/v10.csv", "s10/v9.csv", "s9/v1.csv"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("feature_frame,frame,score\n")
    (tmp_path / "s10" / "notes.txt").write_text("not a curve")
    found = score_files(str(tmp_path))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "s9/v1.csv",
        "s10/v9.csv",
        "s10/v10.csv",
    ]
