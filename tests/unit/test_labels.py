"""Pseudo-labels: which feature frames SOFTNet trains as 'expression' (spec section 6)."""

import pandas as pd

from softnet.datasets.labels import pseudo_labels


def events(*bounds):
    return pd.DataFrame(bounds, columns=["start0", "end0"])


def test_a_window_is_positive_when_it_meets_the_shifted_event():
    # k = 3: window i covers frames i..i+2; event frames 0-based [5, 8] -> frame set 6..8
    labels = pseudo_labels(12, 3, events((5, 8)))
    assert labels.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0]


def test_an_event_at_the_very_start_labels_from_frame_0():
    labels = pseudo_labels(10, 4, events((0, 3)))
    # frame set 1..3: windows 0..3 meet it
    assert labels.tolist() == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]


def test_an_event_at_the_very_end_is_clipped_to_the_last_feature_frame():
    # 20 frames, k = 5: 15 feature frames; event [16, 19] (frame set 17..19)
    labels = pseudo_labels(15, 5, events((16, 19)))
    assert labels.tolist() == [0] * 13 + [1, 1]


def test_an_event_past_the_video_end_labels_nothing_beyond_it():
    assert pseudo_labels(6, 2, events((30, 40))).sum() == 0


def test_several_events_and_a_one_frame_event():
    labels = pseudo_labels(10, 2, events((1, 2), (6, 6)))
    # first: frame set 2..2 -> windows 1, 2; second: frame set 7..6 is empty
    assert labels.tolist() == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
