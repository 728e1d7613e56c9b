"""The config's keys in the schema's order, so that a reordered config file reruns nothing."""

from __future__ import annotations

from softnet.config_order import in_schema_order

SCHEMA = {
    "properties": {
        "face": {"properties": {"size": {}, "codec": {}}},
        "flow": {"properties": {"threads": {}, "tvl1": {"properties": {"tau": {}, "lambda": {}}}}},
    }
}


def test_nested_sections_take_the_schema_order_and_keep_their_values():
    config = {
        "flow": {"tvl1": {"lambda": 0.15, "tau": 0.25}, "threads": 2},
        "face": {"codec": "blosc", "size": 128},
    }
    ordered = in_schema_order(config, SCHEMA)
    assert ordered == config
    assert list(ordered) == ["face", "flow"]
    assert list(ordered["face"]) == ["size", "codec"]
    assert list(ordered["flow"]) == ["threads", "tvl1"]
    assert list(ordered["flow"]["tvl1"]) == ["tau", "lambda"]
    # the repr Snakemake compares is the same for either order of the file
    assert repr(in_schema_order({"face": {"size": 128, "codec": "blosc"}}, SCHEMA)) == repr(
        {"face": ordered["face"]}
    )


def test_keys_the_schema_does_not_name_follow_and_lists_stay_as_they_are():
    config = {"datasets": [{"name": "b"}, {"name": "a"}], "face": {"extra": 1, "size": 128}}
    ordered = in_schema_order(config, SCHEMA)
    assert list(ordered) == ["face", "datasets"]
    assert list(ordered["face"]) == ["size", "extra"]
    assert ordered["datasets"] == [{"name": "b"}, {"name": "a"}]
