"""The benchmark's report: every number in one long CSV table, and the Markdown tables with a
title line that says the data, the machine and the date."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

import pandas as pd

from perf.extrapolation import HOURS
from perf.machine import machine
from perf.measures import Measure
from perf.runs import Run
from softnet.datasets.index import load_videos
from softnet.datasets.kinds import EXPRESSION_TYPES, layout_kind

CSV_COLUMNS = ["section", "item", "type", "k", "value", "unit", "target", "met", "detail"]
#: The stage table's columns in the CSV, with their units (`{unit}`: frame, pair or fold).
STAGE_UNITS = (
    ("jobs", "jobs"),
    ("units", "{unit}s"),
    ("job_seconds", "s"),
    ("seconds_per_unit", "s/{unit}"),
    ("cpu_seconds_per_unit", "CPU s/{unit}"),
    ("peak_rss_mb", "MB"),
    ("bytes_per_unit", "B/{unit}"),
)


def describe(run: Run) -> str:
    """The title line: data, machine, workers, date."""
    videos = load_videos(run.results / "index" / "videos.csv")
    summary = json.loads((run.results / "index" / "summary.json").read_text())
    ks = ", ".join(f"{t} k = {summary[t]['k']}" for t in EXPRESSION_TYPES if t in summary)
    notes = "".join(f"; {n}" for n in run.notes)
    return (
        f"Benchmark of {run.dataset} ({layout_kind(run.kind)} layout, {len(videos)} videos, "
        f"{int(videos['frame_count'].sum())} frames, {ks}) on {machine()}, --cores {run.cores}, "
        f"flow workers {run.workers}, {datetime.now():%Y-%m-%d}{notes}"
    )


def long_table(stages: pd.DataFrame, measures: list[Measure], extra: pd.DataFrame) -> pd.DataFrame:
    """Every number in one CSV: section, item, type, k, value, unit, target, met, detail."""
    rows = []
    for stage in stages.to_dict("records"):
        for column, unit in STAGE_UNITS:
            rows.append(
                {
                    "section": "stages",
                    "item": f"{stage['stage']} {column}",
                    "type": stage["type"],
                    "k": stage["k"],
                    "value": stage[column],
                    "unit": unit.format(unit=stage["unit"]),
                }
            )
    rows += [asdict(m) | {"k": None} for m in measures]
    for row in extra.to_dict("records"):
        for column in ("units", *HOURS, "disk_gb"):
            if pd.notna(row[column]):
                rows.append(
                    {
                        "section": "extrapolation",
                        "item": f"{row['dataset']} {row['part']} {column}",
                        "value": row[column],
                        "unit": row["unit"] if column == "units" else column.rsplit("_", 1)[-1],
                    }
                )
    return pd.DataFrame(rows).reindex(columns=CSV_COLUMNS).astype({"k": "Int64"})


def _number(value: float, digits: int = 3) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _per_unit(seconds: float, unit: str) -> str:
    if pd.isna(seconds):
        return "n/a"
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms/{unit}"
    return f"{seconds:.3g} s/{unit}"


def markdown(title: str, stages: pd.DataFrame, measures: list[Measure], extra: pd.DataFrame) -> str:
    """The tables: per stage, the measures with their targets, the extrapolation."""
    lines = [f"### {title}", ""]
    lines += [
        "| stage | type | k | jobs | frames or pairs | time per frame or pair | CPU per frame or "
        "pair | peak RSS (MB) | bytes on disk per frame or pair |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in stages.to_dict("records"):
        k = "" if s["k"] is None or pd.isna(s["k"]) else int(s["k"])
        lines.append(
            f"| {s['stage']} | {s['type']} | {k} | {s['jobs']} | {int(s['units'])} | "
            f"{_per_unit(s['seconds_per_unit'], s['unit'])} | "
            f"{_per_unit(s['cpu_seconds_per_unit'], s['unit'])} | {_number(s['peak_rss_mb'])} | "
            f"{_number(s['bytes_per_unit'])} |"
        )
    lines += ["", "| measure | type | value | target | met |", "|---|---|---|---|---|"]
    for m in measures:
        met = {True: "met", False: "not met", None: ""}[m.met]
        value = f"{_number(m.value)} {m.unit}".strip() if pd.notna(m.value) else "n/a"
        note = f" ({m.detail})" if m.detail else ""
        lines.append(f"| {m.item}{note} | {m.type} | {value} | {m.target} | {met} |")
    lines += [
        "",
        "| real dataset | part | frames or pairs | CPU-hours: faces | flow | ROI | training "
        "(approx.) | scoring (at most) | disk (GB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in extra.to_dict("records"):
        units = "" if pd.isna(row["units"]) else f"{int(row['units']):,}"
        cells = [_number(row[c], 2) if pd.notna(row[c]) else "" for c in (*HOURS, "disk_gb")]
        lines.append(f"| {row['dataset']} | {row['part']} | {units} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"
