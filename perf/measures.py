"""The benchmark's unit of output: one measured number, with its target where one is set."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Measure:
    """One measured number; `met` is None where it has no target or could not be measured."""

    section: str
    item: str
    value: float
    unit: str
    type: str = ""
    target: str = ""
    met: bool | None = None
    detail: str = ""
