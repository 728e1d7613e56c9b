"""Cells of the releases' annotation workbooks, checked one by one.

The readers of CAS(ME)^2 and SAMM-LV share these checks so that a bad cell anywhere is
reported the same way: the workbook, the sheet, the row as Excel numbers it, and the fix.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from softnet.datasets.kinds import EXPRESSION_TYPES, DatasetError


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its rows of cell values, row 1 being Excel's row 1."""

    workbook: Path
    name: str
    rows: list[tuple]
    #: what the sheet was taken for when it was picked by position rather than by name
    read_as: str | None = None

    def where(self, row: int) -> str:
        taken = f" (read by position as {self.read_as})" if self.read_as else ""
        return f"{self.workbook} sheet '{self.name}'{taken} row {row}"


def read_sheets(workbook: Path) -> list[Sheet]:
    """Every sheet of a workbook in workbook order, each from row 1 (Excel's row numbers)."""
    try:
        book = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    except (OSError, KeyError, zipfile.BadZipFile, InvalidFileException) as err:
        raise DatasetError(
            f"cannot read the annotation workbook {workbook} ({err}); it must be the "
            "release's .xlsx file"
        ) from err
    try:
        return [
            Sheet(Path(workbook), sheet.title, list(sheet.iter_rows(min_row=1, values_only=True)))
            for sheet in book.worksheets
        ]
    finally:
        book.close()


def sheet_key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parses_as_number(value: object) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool)


def check_not_header(cells: tuple, where: str, fix: str) -> None:
    """A row of text only (no cell a number) where an event belongs is a stray header row."""
    filled = [c for c in cells if not blank(c)]
    if len(filled) > 1 and not any(_parses_as_number(c) for c in filled):
        shown = ", ".join(str(c).strip() for c in filled)
        raise DatasetError(f"{where} is a header row ({shown}) where data belongs; {fix}")


def whole_number(value: object, column: str, where: str, lowest: int, meaning: str) -> int:
    """A frame or index cell: a number or numeric text, fractions truncated with int() as the
    published scripts do (SAMM-LV's 566.4)."""
    if blank(value):
        raise DatasetError(f"{where}: the {column} cell is empty; fill in {meaning}")
    number = float(value) if _parses_as_number(value) else math.nan
    if not math.isfinite(number) or number < lowest:
        raise DatasetError(f"{where}: {column} {value!r} is not {meaning}; correct the cell")
    return int(number)


def text_cell(value: object, column: str, where: str, example: str) -> str:
    if blank(value):
        raise DatasetError(f"{where}: the {column} cell is empty; fill in {example}")
    return str(value).strip()


def check_bounds(onset: int, offset: int, where: str) -> None:
    if offset and offset < onset:
        raise DatasetError(
            f"{where}: offset {offset} is before onset {onset}; correct the cells (an offset "
            "of 0 means the end is not annotated)"
        )


def check_once(seen: dict, key: object, what: str, row: int, where: str) -> None:
    """The same event (or naming rule) twice would be counted twice: name both rows."""
    if key in seen:
        raise DatasetError(
            f"{where}: {what} is listed twice (rows {seen[key]} and {row}); delete one of them"
        )
    seen[key] = row


def header_cells(row: tuple) -> list[str]:
    return [str(cell).strip() if cell is not None else "" for cell in row]


def expression_type(value: object, where: str) -> str:
    text = str(value).strip().lower()
    for kind in EXPRESSION_TYPES:
        if text.startswith(kind):
            return kind
    raise DatasetError(f"{where}: unknown expression type {value!r} (expected macro or micro)")
