"""The SAMM Long Videos release: SAMM_longvideos/<video>/<video>_<NNNN>.jpg and one sheet.

The sheet has a 9-row legend, its header on row 10 and the events from row 11 (docs/datasets.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from softnet.datasets.kinds import EVENT_COLUMNS, FRAME_FOLDERS, SAMM_SHEET, DatasetError
from softnet.datasets.layout import subfolders, video_rows
from softnet.datasets.workbooks import (
    Sheet,
    blank,
    check_bounds,
    check_not_header,
    check_once,
    expression_type,
    header_cells,
    read_sheets,
    sheet_key,
    text_cell,
    whole_number,
)

SAMM_HEADER_ROW = 10  # 1-based row of the header in the SAMM workbook; rows 1-9 are a legend
SAMM_COLUMNS = ["Subject", "Filename", "Onset", "Apex", "Offset", "Type"]
SAMM_FRAME_MEANINGS = {
    "Onset": (0, "a frame number (0 or more)"),
    "Apex": (-1, "a frame number (-1 when not annotated)"),
    "Offset": (0, "a frame number (0 or more)"),
}


def _samm_sheet(workbook: Path) -> tuple[Sheet, list[str]]:
    """The SAMM-LV sheet (FACS_Movement_Only, else the first sheet) and its header (row 10)."""
    sheets = read_sheets(workbook)
    sheet = next((s for s in sheets if sheet_key(s.name) == sheet_key(SAMM_SHEET)), sheets[0])
    header = header_cells(
        sheet.rows[SAMM_HEADER_ROW - 1] if len(sheet.rows) >= SAMM_HEADER_ROW else ()
    )
    missing = [column for column in SAMM_COLUMNS if column not in header]
    if not missing:
        return sheet, header
    elsewhere = [
        number
        for number, row in enumerate(sheet.rows[:30], start=1)
        if set(SAMM_COLUMNS) <= set(header_cells(row))
    ]
    found = ", ".join(repr(s.name) for s in sheets)
    fix = (
        f"the header is on row {elsewhere[0]}, but the release has it on row "
        f"{SAMM_HEADER_ROW}, below a 9-row legend: delete the extra rows above it"
        if elsewhere
        else f"is this the SAMM Long Videos workbook? Its sheet {SAMM_SHEET} has a 9-row "
        f"legend and the header ({', '.join(SAMM_COLUMNS)}, ...) on row {SAMM_HEADER_ROW} "
        f"(sheets here: {found})"
    )
    raise DatasetError(f"{sheet.where(SAMM_HEADER_ROW)} lacks the columns {missing}; {fix}")


def read_sammlv(root: Path, workbook: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SAMM-LV: one sheet, a 9-row legend, the header on row 10, data from row 11."""
    sheet, header = _samm_sheet(workbook)
    folders = [(v.name.split("_", 1)[0], v) for v in subfolders(root / FRAME_FOLDERS["sammlv"])]
    videos = pd.DataFrame(video_rows("sammlv", folders))

    events, seen = [], {}
    for row_number, row in enumerate(sheet.rows[SAMM_HEADER_ROW:], start=SAMM_HEADER_ROW + 1):
        record = dict(zip(header, row))
        if blank(record.get("Filename")):
            continue
        where = sheet.where(row_number)
        check_not_header(
            tuple(record.get(column) for column in SAMM_COLUMNS),
            where,
            f"the release's only header is on row {SAMM_HEADER_ROW}: delete the row",
        )
        subject = _samm_subject(
            text_cell(record["Subject"], "Subject", where, "a subject such as 006")
        )
        name = str(record["Filename"]).strip()
        frames = {
            column.lower(): whole_number(record[column], column, where, lowest, meaning)
            for column, (lowest, meaning) in SAMM_FRAME_MEANINGS.items()
        }
        check_bounds(frames["onset"], frames["offset"], where)
        check_once(seen, name, f"event {name}", row_number, where)
        events.append(
            {
                "subject": subject,
                "video": name.rsplit("_", 1)[0],
                "type": expression_type(record["Type"], where),
                **frames,
                "name": name,
                "row": row_number,
            }
        )
    events = pd.DataFrame(events, columns=EVENT_COLUMNS[1:])
    unknown = sorted(set(events["video"]) - set(videos["video"]))
    if unknown:
        raise DatasetError(
            f"{workbook} refers to videos with no folder under {root / FRAME_FOLDERS['sammlv']}: "
            f"{', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}"
        )
    return videos, events


def _samm_subject(value: object) -> str:
    """SAMM subjects are 3-digit strings ('006'); a numeric cell would lose the zeros."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0)?", text):
        return f"{int(float(text)):03d}"
    return text
