"""The adapters read the releases as published, quirk by quirk."""

import logging

import pytest

from softnet.datasets.index import read_dataset
from softnet.datasets.kinds import DatasetError, natural_key
from softnet.datasets.labels import expression_k, used_events, videos_in_scope
from softnet.datasets.layout import list_frames
from tests.helpers.releases import edit_workbook, make_casme2, make_sammlv, touch_frames


@pytest.fixture
def casme2(tmp_path):
    make_casme2(tmp_path / "CASME_sq")
    return read_dataset("casme2", "casme2", tmp_path / "CASME_sq")


@pytest.fixture
def sammlv(tmp_path):
    make_sammlv(tmp_path / "SAMMLV")
    return read_dataset("sammlv", "sammlv", tmp_path / "SAMMLV")


def test_casme2_frames_sort_numerically_across_the_padding_change(tmp_path):
    folder = tmp_path / "15_0101disgustingteeth"
    touch_frames(
        folder, ["img100.jpg", "img099.jpg", "img001.jpg", "img1000.jpg", "img010.jpg", "Thumbs.db"]
    )
    names = [p.name for p in list_frames("casme2", folder)]
    assert names == ["img001.jpg", "img010.jpg", "img099.jpg", "img100.jpg", "img1000.jpg"]


def test_samm_frames_with_4_and_5_digit_names_sort_numerically(tmp_path):
    folder = tmp_path / "020_6"
    touch_frames(
        folder,
        [
            "020_6_10000.jpg",
            "020_6_9999.jpg",
            "020_6_0001.jpg",
            "020_6_10001.jpg",
            "020_6_0002.jpg",
        ],
    )
    names = [p.name for p in list_frames("sammlv", folder)]
    assert names == [
        "020_6_0001.jpg",
        "020_6_0002.jpg",
        "020_6_9999.jpg",
        "020_6_10000.jpg",
        "020_6_10001.jpg",
    ]


def test_natural_key_orders_subjects_by_number():
    assert sorted(["s40", "s9", "s15", "s100"], key=natural_key) == ["s9", "s15", "s40", "s100"]
    assert sorted(["037", "006", "010"], key=natural_key) == ["006", "010", "037"]


def test_empty_frame_folder_is_an_error_naming_it(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no frames found in .*empty"):
        list_frames("casme2", tmp_path / "empty")


def test_casme2_videos_and_events(casme2):
    videos, events = casme2
    assert list(videos["subject"]) == ["s15", "s15", "s16", "s19", "s19", "s23"]
    first = videos.iloc[0]
    assert (first["video"], first["frame_count"], first["first_frame"], first["fps"]) == (
        "15_0101disgustingteeth",
        102,
        1,
        30.0,
    )
    # stimulus name -> code via 'naming rule2', subject index -> folder via 'naming rule1'
    mapped = events.set_index("name")
    assert mapped.loc["anger1_1", "video"] == "15_0401girlcrashing"
    assert mapped.loc["disgust2_1", "subject"] == "s16"
    assert mapped.loc["happy1_1", "subject"] == "s23"
    assert sorted(events["type"].unique()) == ["macro", "micro"]


def test_casme2_sheets_are_read_by_position_whatever_the_first_sheet_is_named(tmp_path):
    make_casme2(tmp_path / "a", first_sheet="CASFEcode_final")
    make_casme2(tmp_path / "b", first_sheet="CASMEcode_final")
    a = read_dataset("x", "casme2", tmp_path / "a")[1]
    b = read_dataset("x", "casme2", tmp_path / "b")[1]
    assert len(a) == 6 and a.drop(columns=[]).equals(b)


def test_casme2_naming_rules_are_found_by_name_in_any_sheet_order(tmp_path, casme2):
    workbook = make_casme2(tmp_path / "moved")
    edit_workbook(workbook, lambda book: book.move_sheet("naming rule2", offset=-2))
    assert read_dataset("casme2", "casme2", tmp_path / "moved")[1].equals(casme2[1])


def test_samm_sheet_is_found_by_name_behind_another_sheet(tmp_path, sammlv):
    workbook = make_sammlv(tmp_path / "moved")
    edit_workbook(workbook, lambda book: book.create_sheet("Notes", 0))
    assert read_dataset("sammlv", "sammlv", tmp_path / "moved")[1].equals(sammlv[1])


def test_casme2_duplicate_video_filed_under_another_subject_is_excluded(casme2):
    videos, events = casme2
    duplicate = videos[(videos["subject"] == "s19") & (videos["video"] == "23_0502funnyerrors")]
    assert "duplicate" in duplicate["excluded"].item()
    original = videos[(videos["subject"] == "s23") & (videos["video"] == "23_0502funnyerrors")]
    assert original["excluded"].item() == ""
    # its label belongs to s23's copy only
    assert events.set_index("name").loc["happy1_1", "subject"] == "s23"
    everything = videos_in_scope(videos, used_events(events, "casme2", "macro"), "all")
    assert ("s19", "23_0502funnyerrors") not in set(zip(everything["subject"], everything["video"]))


def test_casme2_offset_0_ends_at_the_apex(casme2):
    used = used_events(casme2[1], "casme2", "macro").set_index("name")
    assert used.loc["disgust1_2", "offset"] == 0
    assert (used.loc["disgust1_2", "start0"], used.loc["disgust1_2", "end0"]) == (49, 59)


def test_casme2_apex_0_and_apex_after_offset_keep_their_onset_offset(casme2):
    used = used_events(casme2[1], "casme2", "macro").set_index("name")
    assert used.loc["anger1_1", "apex"] == 0
    assert (used.loc["anger1_1", "start0"], used.loc["anger1_1", "end0"]) == (4, 29)
    assert (used.loc["disgust2_1", "start0"], used.loc["disgust2_1", "end0"]) == (19, 34)


def test_labelled_scope_keeps_videos_with_an_event_of_the_type(casme2):
    videos, events = casme2
    micro = videos_in_scope(videos, used_events(events, "casme2", "micro"), "labelled")
    assert list(micro["video"]) == ["15_0101disgustingteeth", "16_0102eatingworms"]
    everything = videos_in_scope(videos, used_events(events, "casme2", "micro"), "all")
    assert len(everything) == 5


def test_missing_workbook_names_the_release_names_found(tmp_path):
    make_casme2(tmp_path / "CASME_sq", workbook="code_final.xlsx")
    with pytest.raises(
        DatasetError, match=r"CAS\(ME\)\^2code_final.xlsx not found; found code_final.xlsx"
    ):
        read_dataset("casme2", "casme2", tmp_path / "CASME_sq")
    videos, events = read_dataset("casme2", "casme2", tmp_path / "CASME_sq", "code_final.xlsx")
    assert len(events) == 6


def test_samm_reads_the_sheet_below_its_legend(sammlv):
    videos, events = sammlv
    assert list(videos["video"]) == ["006_1", "006_2", "011_2"]
    assert list(videos["subject"]) == ["006", "006", "011"]
    assert videos["fps"].eq(200.0).all()
    assert list(events["name"]) == [
        "006_1_3",
        "006_1_1",
        "006_1_2",
        "006_2_1",
        "011_2_2",
        "011_2_1",
    ]
    assert events.set_index("name").loc["006_1_2", "type"] == "micro"


def test_samm_numeric_subject_cells_keep_their_zeros(tmp_path):
    make_sammlv(tmp_path / "SAMMLV", numeric_subjects=True)
    events = read_dataset("sammlv", "sammlv", tmp_path / "SAMMLV")[1]
    assert set(events["subject"]) == {"006", "011"}


def test_samm_fractional_frames_are_truncated(sammlv):
    row = sammlv[1].set_index("name").loc["006_1_2"]
    assert (row["onset"], row["apex"], row["offset"]) == (22, 25, 28)


def test_samm_macro_onset_0_is_dropped_only_from_the_used_events(sammlv):
    events = sammlv[1]
    assert "006_1_3" in set(events["name"])
    used = used_events(events, "sammlv", "macro")
    assert "006_1_3" not in set(used["name"]) and len(used) == 2
    # CAS(ME)^2 has no such rule
    assert 0 in set(used_events(events.assign(onset=0), "casme2", "macro")["onset"])


def test_samm_apex_minus_1_is_kept_and_unused(sammlv):
    used = used_events(sammlv[1], "sammlv", "micro").set_index("name")
    assert used.loc["006_2_1", "apex"] == -1
    assert (used.loc["006_2_1", "start0"], used.loc["006_2_1", "end0"]) == (2, 14)


def test_samm_offset_past_the_last_frame_is_kept_with_a_warning(tmp_path, caplog):
    make_sammlv(tmp_path / "SAMMLV")
    with caplog.at_level(logging.WARNING):
        events = read_dataset("sammlv", "sammlv", tmp_path / "SAMMLV")[1]
    assert events.set_index("name").loc["011_2_1", "offset"] == 60
    assert any(
        "011_2_1" in r.message and "past the last frame 25" in r.message for r in caplog.records
    )


def test_samm_workbook_without_its_header_row_is_a_clear_error(tmp_path):
    make_casme2(tmp_path / "SAMMLV", workbook="SAMM_LongVideos_V1_Release.xlsx")
    (tmp_path / "SAMMLV" / "SAMM_longvideos").mkdir()
    with pytest.raises(DatasetError, match="row 10 lacks the columns"):
        read_dataset("sammlv", "sammlv", tmp_path / "SAMMLV")


def _events_with_lengths(lengths):
    import pandas as pd

    return pd.DataFrame(
        {
            "onset": [100] * len(lengths),
            "apex": [105] * len(lengths),
            "offset": [100 + n for n in lengths],
            "type": "micro",
        }
    )


@pytest.mark.parametrize(
    ("count", "total", "k"),
    [
        (57, 717, 6),  # CAS(ME)^2 micro: mean 12.58
        (300, 10632, 18),  # CAS(ME)^2 macro: mean 35.44
        (159, 11656, 37),  # SAMM-LV micro: mean 73.31
        (333, 116027, 174),  # SAMM-LV macro: mean 348.43
    ],
)
def test_k_from_the_real_datasets_statistics(count, total, k):
    base, extra = divmod(total, count)
    lengths = [base + 1] * extra + [base] * (count - extra)
    used = used_events(_events_with_lengths(lengths), "casme2", "micro")
    assert expression_k(used) == k


def test_k_uses_the_apex_when_the_offset_is_0():
    events = _events_with_lengths([10, 0])  # second: offset 100 -> treated as 0 below
    events.loc[1, "offset"] = 0  # ends at apex 105: length 5
    assert expression_k(used_events(events, "casme2", "micro")) == int((7.5 + 1) / 2)
