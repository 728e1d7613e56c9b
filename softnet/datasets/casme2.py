"""The CAS(ME)^2 release: rawpic/<subject>/<video>/img<N>.jpg and a workbook of 3 sheets.

The codes sheet lists the events by subject index and expression name; 'naming rule1' maps
subject indices to folders and 'naming rule2' stimulus names to the codes that begin the video
folders' names (docs/datasets.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd

from softnet.datasets.kinds import CASME2_RULE_SHEETS, EVENT_COLUMNS, FRAME_FOLDERS, DatasetError
from softnet.datasets.layout import subfolders, video_rows
from softnet.datasets.workbooks import (
    Sheet,
    blank,
    check_bounds,
    check_not_header,
    check_once,
    expression_type,
    read_sheets,
    sheet_key,
    text_cell,
    whole_number,
)

log = logging.getLogger(__name__)

CASME2_LAYOUT = (
    "3 sheets without header rows: the codes (one event a row: subject index, expression, "
    "onset, apex, offset, AUs, emotion, type), 'naming rule1' (subject number, folder, "
    "index) and 'naming rule2' (stimulus code, stimulus name)"
)
CASME2_FRAME_MEANINGS = {
    "onset": "a frame number (1 or more)",
    "apex": "a frame number (0 when not annotated)",
    "offset": "a frame number (0 when not annotated: the event then ends at its apex)",
}


def _casme2_sheets(workbook: Path) -> tuple[Sheet, Sheet, Sheet]:
    """The codes, 'naming rule1' and 'naming rule2' sheets of a CAS(ME)^2 workbook.

    The rule sheets are found by name, the codes sheet (named differently by each release)
    is the first other one. A copy whose sheets lack the rule names is read by position, as
    the published scripts read every copy.
    """
    sheets = read_sheets(workbook)
    by_key = {sheet_key(sheet.name): sheet for sheet in sheets}
    rules = [by_key.get(sheet_key(name)) for name in CASME2_RULE_SHEETS]
    rule_names = {rule.name for rule in rules if rule is not None}
    others = [sheet for sheet in sheets if sheet.name not in rule_names]
    if all(rules) and others:
        return others[0], rules[0], rules[1]
    if not any(rules) and len(sheets) >= 3:
        log.warning(
            "%s: no sheets named %s; reading the first three sheets by position as codes, "
            "naming rule1 and naming rule2",
            workbook,
            " and ".join(CASME2_RULE_SHEETS),
        )
        roles = ("the codes sheet", *(f"'{name}'" for name in CASME2_RULE_SHEETS))
        return tuple(replace(sheet, read_as=role) for sheet, role in zip(sheets, roles))
    missing = [repr(name) for name, rule in zip(CASME2_RULE_SHEETS, rules) if rule is None]
    found = ", ".join(repr(sheet.name) for sheet in sheets)
    raise DatasetError(
        f"{workbook}: no sheet {' or '.join(missing or ['of codes'])} (its sheets: {found}); "
        f"the CAS(ME)^2 workbook has {CASME2_LAYOUT}: use the release's workbook"
    )


def _data_rows(sheet: Sheet, width: int) -> Iterator[tuple[int, tuple]]:
    """(Excel row, first `width` cells) of each row of a sheet without headers; blank rows
    are skipped, a header row is an error."""
    for number, row in enumerate(sheet.rows, start=1):
        cells = tuple(row[:width]) + (None,) * (width - len(row))
        if all(blank(cell) for cell in cells):
            continue
        check_not_header(
            cells, sheet.where(number), "the release's CAS(ME)^2 sheets have none: delete the row"
        )
        yield number, cells


def _casme2_subjects(sheet: Sheet) -> dict[int, tuple[int, str]]:
    """'naming rule1': subject index -> (subject number, folder)."""
    subjects, seen = {}, {}
    for row, cells in _data_rows(sheet, 3):
        where = sheet.where(row)
        number = whole_number(cells[0], "subject number", where, 1, "a subject number such as 15")
        folder = text_cell(cells[1], "folder", where, "a folder name such as s15")
        index = whole_number(cells[2], "subject index", where, 1, "a subject index such as 1")
        check_once(seen, index, f"subject index {index}", row, where)
        subjects[index] = (number, folder)
    return subjects


def _casme2_stimuli(sheet: Sheet) -> dict[str, str]:
    """'naming rule2': stimulus name -> 4-digit code."""
    stimuli, seen = {}, {}
    for row, cells in _data_rows(sheet, 2):
        where = sheet.where(row)
        code = _stimulus_code(text_cell(cells[0], "stimulus code", where, "a code such as 0101"))
        name = text_cell(cells[1], "stimulus name", where, "a name such as disgust1")
        check_once(seen, name, f"stimulus {name}", row, where)
        stimuli[name] = code
    return stimuli


def read_casme2(root: Path, workbook: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CAS(ME)^2: the codes sheet, and two naming rules that map them to video folders."""
    codes, rule1, rule2 = _casme2_sheets(workbook)
    subjects = _casme2_subjects(rule1)
    stimuli = _casme2_stimuli(rule2)

    folders = [
        (s.name, v) for s in subfolders(root / FRAME_FOLDERS["casme2"]) for v in subfolders(s)
    ]
    videos = pd.DataFrame(video_rows("casme2", folders))
    for i, (subject, folder) in enumerate(folders):
        number = folder.name.split("_", 1)[0]
        if subject.lstrip("sS") != number.lstrip("0"):
            videos.loc[i, "excluded"] = (
                f"filed under {subject} but named for subject {number}: a duplicate, without labels"
            )

    by_subject = {}
    for subject, folder in folders:
        by_subject.setdefault(subject, []).append(folder.name)
    events, seen = [], {}
    for row_number, row in _data_rows(codes, 8):
        where = codes.where(row_number)
        index = whole_number(row[0], "subject index", where, 1, "a subject index of 'naming rule1'")
        if index not in subjects:
            raise DatasetError(f"{where}: subject index {index} is not in sheet '{rule1.name}'")
        number, subject = subjects[index]
        expression = text_cell(
            row[1], "expression", where, "the expression's name such as anger1_1"
        )
        stimulus = expression.rsplit("_", 1)[0]
        if stimulus not in stimuli:
            raise DatasetError(f"{where}: stimulus {stimulus!r} is not in sheet '{rule2.name}'")
        prefix = f"{number}_{stimuli[stimulus]}"
        matches = [v for v in by_subject.get(subject, []) if v.startswith(prefix)]
        if len(matches) != 1:
            raise DatasetError(
                f"{where}: expected one video folder rawpic/{subject}/{prefix}* for {expression}, "
                f"found {len(matches)}"
            )
        frames = {
            column: whole_number(value, column, where, 1 if column == "onset" else 0, meaning)
            for (column, meaning), value in zip(CASME2_FRAME_MEANINGS.items(), row[2:5])
        }
        check_bounds(frames["onset"], frames["offset"], where)
        check_once(
            seen, (subject, expression), f"event {expression} of {subject}", row_number, where
        )
        events.append(
            {
                "subject": subject,
                "video": matches[0],
                "type": expression_type(row[7], where),
                **frames,
                "name": expression,
                "row": row_number,
            }
        )
    return videos, pd.DataFrame(events, columns=EVENT_COLUMNS[1:])


def _stimulus_code(value: object) -> str:
    """Stimulus codes are strings with a leading zero ('0101'); some copies store numbers."""
    text = str(value).strip()
    return text.zfill(4) if text.isdigit() else text
