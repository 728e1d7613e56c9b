"""IoU, matching and pooling follow the MEGC 2020 protocol and reproduce the published F1s."""

import pandas as pd
import pytest

from softnet.evaluation import Counts, Match, evaluate_videos, iou, match_video, pooled


def test_touching_intervals_share_one_frame():
    assert iou((0, 4), (4, 8)) == pytest.approx(1 / 9)


def test_disjoint_intervals_have_zero_iou():
    assert iou((0, 4), (5, 8)) == 0.0


def test_nested_intervals_are_the_ratio_of_lengths():
    assert iou((0, 9), (2, 5)) == pytest.approx(4 / 10)
    assert iou((2, 5), (0, 9)) == pytest.approx(4 / 10)


def test_single_frame_intervals():
    assert iou((3, 3), (3, 3)) == 1.0
    assert iou((3, 3), (0, 3)) == pytest.approx(1 / 4)


def test_reversed_interval_is_rejected():
    with pytest.raises(ValueError):
        iou((5, 4), (0, 9))


def test_iou_of_exactly_one_half_is_a_true_positive():
    assert iou((0, 9), (0, 4)) == 0.5
    results, counts = match_video([(0, 9)], [(0, 4)])
    assert results == [Match(event=0, iou=0.5, tp=True)]
    assert counts == Counts(tp=1, fp=0, fn=0)


def test_just_below_one_half_is_a_false_positive():
    results, counts = match_video([(0, 10)], [(0, 4)])  # IoU 5/11
    assert results[0].event == 0 and not results[0].tp
    assert counts == Counts(tp=0, fp=1, fn=1)


def test_a_second_hit_on_a_matched_event_is_a_false_positive():
    results, counts = match_video([(0, 10), (1, 10)], [(0, 10)])
    assert [result.tp for result in results] == [True, False]
    assert [result.event for result in results] == [0, 0]
    assert counts == Counts(tp=1, fp=1, fn=0)


def test_only_the_best_event_is_considered_even_when_it_is_taken():
    events = [(0, 10), (2, 12)]
    # The first interval takes event 0. The second overlaps event 0 best (IoU 10/11) and
    # event 1 well enough (IoU 8/13 >= 0.5), but only its best event counts: FP.
    intervals = [(0, 10), (0, 9)]
    assert iou(intervals[1], events[1]) >= 0.5
    results, counts = match_video(intervals, events)
    assert [result.tp for result in results] == [True, False]
    assert results[1].event == 0
    assert results[1].iou == pytest.approx(10 / 11)
    assert counts == Counts(tp=1, fp=1, fn=1)


def test_ties_go_to_the_last_event_in_the_given_order():
    # The published evaluation orders events by np.argsort(iou)[::-1]: the last of equals first.
    results, _ = match_video([(5, 14)], [(0, 9), (10, 19)])  # IoU 1/3 with both
    assert results[0].event == 1
    # A tie above the threshold decides the counts: (2, 11) has IoU 2/3 with both events and
    # takes the second, which (4, 13) then finds taken; taking the first would give 2 TP.
    results, counts = match_video([(2, 11), (4, 13)], [(0, 9), (4, 13)])
    assert [(r.event, r.tp) for r in results] == [(1, True), (1, False)]
    assert counts == Counts(tp=1, fp=1, fn=1)


def test_an_interval_overlapping_nothing_has_no_event():
    results, counts = match_video([(50, 60)], [(0, 9)])
    assert results == [Match(event=None, iou=0.0, tp=False)]
    assert counts == Counts(tp=0, fp=1, fn=1)


def test_order_of_intervals_decides_who_gets_the_event():
    # Both intervals match the event; the earlier one (ascending peak order) wins it.
    results, _ = match_video([(2, 11), (0, 10)], [(0, 10)])
    assert [result.tp for result in results] == [True, False]


def test_no_predictions_leaves_every_event_a_false_negative():
    results, counts = match_video([], [(0, 9), (20, 29)])
    assert results == []
    assert counts == Counts(tp=0, fp=0, fn=2)


def test_no_events_makes_every_prediction_a_false_positive():
    results, counts = match_video([(0, 9), (20, 29)], [])
    assert results == [Match(event=None, iou=0.0, tp=False)] * 2
    assert counts == Counts(tp=0, fp=2, fn=0)


def test_zero_denominators_give_zero_not_nan():
    assert Counts(0, 0, 0).precision == 0.0
    assert Counts(0, 0, 0).recall == 0.0
    assert Counts(0, 0, 0).f1 == 0.0
    assert Counts(0, 5, 0).recall == 0.0  # no events
    assert Counts(0, 0, 5).precision == 0.0  # no predictions
    assert Counts(0, 5, 5).f1 == 0.0  # P + R = 0


def test_precision_recall_f1():
    counts = Counts(tp=2, fp=2, fn=6)
    assert counts.precision == pytest.approx(0.5)
    assert counts.recall == pytest.approx(0.25)
    assert counts.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_counts_add_up():
    assert Counts(1, 2, 3) + Counts(10, 20, 30) == Counts(11, 22, 33)


@pytest.mark.parametrize(
    ("counts", "f1"),
    [
        (Counts(18, 327, 39), 0.0896),  # CAS(ME)^2 micro, published weights
        (Counts(91, 348, 209), 0.2463),  # CAS(ME)^2 macro
        (Counts(41, 323, 118), 0.1568),  # SAMM-LV micro
        (Counts(60, 231, 273), 0.1923),  # SAMM-LV macro
    ],
)
def test_published_f1s_are_reproduced(counts, f1):
    assert round(counts.f1, 4) == f1


def test_pooling_sums_counts_rather_than_averaging_f1s():
    per_video = pd.DataFrame(
        {
            "video": ["a", "b", "c"],
            "type": ["micro", "micro", "macro"],
            "tp": [18, 0, 91],
            "fp": [300, 27, 348],
            "fn": [19, 20, 209],
        }
    )
    micro = pooled(per_video[per_video["type"] == "micro"])
    macro = pooled(per_video[per_video["type"] == "macro"])
    overall = pooled(per_video)
    assert [micro.tp, micro.fp, micro.fn] == [18, 327, 39]
    assert round(micro.f1, 4) == 0.0896
    assert round(macro.f1, 4) == 0.2463
    # Overall pools micro + macro: TP 109, FP 675, FN 248 -> F1 218 / 1141.
    assert [overall.tp, overall.fp, overall.fn] == [109, 675, 248]
    assert overall.f1 == pytest.approx(218 / 1141)
    mean_of_f1s = (Counts(18, 327, 39).f1 + Counts(91, 348, 209).f1) / 2
    assert abs(overall.f1 - mean_of_f1s) > 0.02
    # Per-video F1s averaged would differ too (video b has F1 0).
    per_video_f1s = [Counts(*row).f1 for row in per_video[["tp", "fp", "fn"]].values[:2]]
    assert abs(micro.f1 - sum(per_video_f1s) / 2) > 0.02


def test_pooled_counts_of_a_type_without_hits_are_zero_not_nan():
    per_video = pd.DataFrame({"type": ["micro"], "tp": [0], "fp": [0], "fn": [3]})
    counts = pooled(per_video)
    assert [counts.precision, counts.recall, counts.f1] == [0.0, 0.0, 0.0]


def test_evaluate_videos_matches_per_video_and_counts_videos_without_events():
    intervals = pd.DataFrame(
        {
            "subject": ["s1", "s1", "s2"],
            "video": ["a", "a", "b"],
            "start0": [10, 12, 5],
            "end0": [20, 22, 9],
        }
    )
    used = pd.DataFrame(
        {"subject": ["s1"], "video": ["a"], "name": ["happy1_1"], "start0": [11], "end0": [21]}
    )
    videos = pd.DataFrame({"subject": ["s1", "s2", "s3"], "video": ["a", "b", "c"]})
    matched, per_video = evaluate_videos(intervals, used, videos)
    assert list(matched["result"]) == ["TP", "FP", "FP"]  # the second hit on one event is FP
    assert list(matched["matched_event"]) == ["happy1_1", "happy1_1", ""]
    assert per_video[["tp", "fp", "fn"]].values.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 0]]


def test_evaluate_videos_ignores_intervals_of_videos_outside_the_scope():
    intervals = pd.DataFrame({"subject": ["s9"], "video": ["z"], "start0": [0], "end0": [4]})
    used = pd.DataFrame(columns=["subject", "video", "name", "start0", "end0"])
    videos = pd.DataFrame({"subject": ["s1"], "video": ["a"]})
    matched, per_video = evaluate_videos(intervals, used, videos)
    assert matched.empty and per_video[["tp", "fp", "fn"]].values.tolist() == [[0, 0, 0]]
