"""The config's sections in the schema's order of keys, whatever order a config file used.

Snakemake compares a rule's params by their repr, in which a dict's key order shows: a config
file that lists the same settings in another order would otherwise rerun every stage whose
params hold a section (the face stage, and all after it).
"""

from __future__ import annotations

from typing import Any


def in_schema_order(value: Any, schema: dict) -> Any:
    """`value` with every mapping's keys in the order of its schema's `properties` (keys the
    schema does not name follow, as they came); lists and other values as they are."""
    if not isinstance(value, dict):
        return value
    properties = schema.get("properties", {})
    named = [key for key in properties if key in value]
    rest = [key for key in value if key not in properties]
    return {
        **{key: in_schema_order(value[key], properties[key]) for key in named},
        **{key: value[key] for key in rest},
    }
