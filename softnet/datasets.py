"""Adapters that read the CAS(ME)^2 and SAMM Long Videos releases exactly as published.

Each adapter yields two tables: videos (one row per long video) and events (one row per
annotated expression, 1-based frame numbers as in the workbook). Any other dataset comes in
through the generic kind (`softnet.generic`), which yields the same two tables. SOFTNet's
own selection rules (offset 0, SAMM macro onset 0, ...) live in `softnet.labels`, not here,
so that the tables show the release as it is.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from softnet.videos import IMAGE_SUFFIXES, FrameFolder, FrameSource, VideoFile

log = logging.getLogger(__name__)

EXPRESSION_TYPES = ("micro", "macro")
DATASET_KINDS = ("casme2", "sammlv", "demo", "generic")
VIDEO_COLUMNS = [
    "dataset",
    "subject",
    "video",
    "source",
    "fps",
    "frame_count",
    "first_frame",
    "excluded",
]
EVENT_COLUMNS = [
    "dataset",
    "subject",
    "video",
    "type",
    "onset",
    "apex",
    "offset",
    "name",
    "row",
]

#: Workbook names of the releases, the first being the default of each kind.
KNOWN_WORKBOOKS = {
    "casme2": ("CAS(ME)^2code_final.xlsx", "code_final.xlsx"),
    "sammlv": (
        "SAMM_LongVideos_V1_Release.xlsx",
        "SAMM_LongVideos_V2_Release.xlsx",
        "SAMM_LongVideos_V3_Release.xlsx",
    ),
    "generic": ("events.csv",),
}
FPS = {"casme2": 30.0, "sammlv": 200.0}
CASME2_FRAME = re.compile(r"^img(\d+)\.jpg$", re.IGNORECASE)
SAMM_HEADER_ROW = 10  # 1-based row of the header in the SAMM workbook; rows 1-9 are a legend


class DatasetError(ValueError):
    """A dataset folder or workbook that does not match the published layout."""


def layout_kind(kind: str) -> str:
    """The layout a dataset kind is stored in (the demo mimics CAS(ME)^2)."""
    if kind not in DATASET_KINDS:
        raise DatasetError(f"unknown dataset kind {kind!r}; expected one of {DATASET_KINDS}")
    return "casme2" if kind == "demo" else kind


def natural_key(text: str) -> tuple:
    """Sort key that orders embedded numbers by value: s9 < s10, img99 < img100."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def frame_number(kind: str, video: str, filename: str) -> int | None:
    """The 1-based frame number encoded in a frame's file name, None if it is not a frame."""
    layout = layout_kind(kind)
    if layout == "generic":
        return _generic_frame_number(filename)
    if layout == "casme2":
        match = CASME2_FRAME.match(filename)
    else:
        match = re.match(rf"^{re.escape(video)}_(\d{{4,5}})\.jpg$", filename, re.IGNORECASE)
    return int(match.group(1)) if match else None


def list_frames(kind: str, frames_dir: Path, video: str | None = None) -> list[Path]:
    """The frame files of one video, sorted by frame number (never as strings)."""
    return [path for _, path in _numbered_frames(kind, Path(frames_dir), video)]


def release_frames(kind: str, frames_dir: Path) -> list[Path]:
    """The frames of a release's video, which must be numbered 1, 2, ... N without a gap.

    The published scripts index a video's frames by their position in the sorted folder, and
    the workbooks by frame number; both agree only on a complete folder. A gap (a frame lost
    in copying) would silently shift every later event by the frames missing, so it is an
    error naming the missing frames.
    """
    frames_dir = Path(frames_dir)
    numbered = _numbered_frames(kind, frames_dir)
    numbers = [number for number, _ in numbered]
    if numbers[0] < 1:
        raise DatasetError(
            f"{frames_dir}: {numbered[0][1].name} is frame {numbers[0]}, but the release numbers "
            f"frames from 1 ({_frame_hint(kind, frames_dir.name)}); remove or rename it"
        )
    repeated = [(n, a, b) for (n, a), (m, b) in zip(numbered, numbered[1:]) if n == m]
    if repeated:
        number, first, second = repeated[0]
        raise DatasetError(
            f"{frames_dir}: {first.name} and {second.name} are both frame {number}; delete the "
            "stray copy"
        )
    if numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        shown = ", ".join(map(str, missing[:5])) + (" ..." if len(missing) > 5 else "")
        raise DatasetError(
            f"{frames_dir}: frame numbers have a gap, {len(missing)} of frames 1 to "
            f"{numbers[-1]} missing: {shown}; the annotations count frames from 1 without "
            "gaps, so every later event would shift: copy the video's frames again from the "
            "release"
        )
    return [path for _, path in numbered]


def _numbered_frames(
    kind: str, frames_dir: Path, video: str | None = None
) -> list[tuple[int, Path]]:
    """(frame number, path) of every frame file in a folder, in frame-number order."""
    if not frames_dir.is_dir():
        raise DatasetError(f"frame folder {frames_dir} does not exist")
    video = video or frames_dir.name
    numbered = []
    with os.scandir(frames_dir) as entries:
        for entry in entries:
            number = frame_number(kind, video, entry.name)
            if number is not None and entry.is_file():
                numbered.append((number, Path(entry.path)))
    if not numbered:
        raise DatasetError(f"no frames found in {frames_dir} (expected {_frame_hint(kind, video)})")
    numbered.sort()
    return numbered


def _generic_frame_number(filename: str) -> int | None:
    """Any image file whose name holds a number (frame_0001.png, 17.jpg): its last number."""
    path = Path(filename)
    numbers = re.findall(r"\d+", path.stem)
    return int(numbers[-1]) if numbers and path.suffix.lower() in IMAGE_SUFFIXES else None


def _frame_hint(kind: str, video: str) -> str:
    if layout_kind(kind) == "generic":
        return "numbered images such as frame_0001.jpg, frame_0002.jpg, ..."
    if layout_kind(kind) == "casme2":
        return "img001.jpg, img002.jpg, ..."
    return f"{video}_0001.jpg, {video}_0002.jpg, ..."


def open_source(kind: str, path: Path) -> FrameSource:
    """The frames of a video stored as `path`: a video file, or a folder of the kind's frames."""
    path = Path(path)
    if path.is_file():
        return VideoFile(path)
    if layout_kind(kind) == "generic":
        return FrameFolder(tuple(list_frames(kind, path)))
    return FrameFolder(tuple(release_frames(kind, path)))


def frames_dir(kind: str, root: Path, subject: str, video: str) -> Path:
    """Where a video's frames are in the release layout."""
    if layout_kind(kind) == "casme2":
        return Path(root) / "rawpic" / subject / video
    return Path(root) / "SAMM_longvideos" / video


def annotation_path(kind: str, root: Path, annotations: str | None) -> Path:
    """The annotation workbook: the configured name, or the release's own name by default.

    A missing workbook is an error that lists the release names found in the folder, so
    that a user with another release knows what to put in `annotations`.
    """
    layout = layout_kind(kind)
    check_root(root)
    name = annotations or KNOWN_WORKBOOKS[layout][0]
    path = Path(name) if Path(name).is_absolute() else Path(root) / name
    if path.is_file():
        return path
    if layout == "generic":
        raise DatasetError(
            f"events file {path} not found; a generic dataset needs a CSV of events there, "
            "or `annotations` in config.yaml naming it (see the README, 'Your own dataset')"
        )
    found = [n for n in KNOWN_WORKBOOKS[layout] if (Path(root) / n).is_file()]
    hint = (
        f"found {', '.join(found)} there: set `annotations: {found[0]}` for this dataset "
        "in config.yaml"
        if found
        else f"known release names: {', '.join(KNOWN_WORKBOOKS[layout])}"
    )
    raise DatasetError(f"annotation workbook {path} not found; {hint}")


def check_root(root: Path) -> None:
    """A dataset root must be a folder: say so when it is missing or a file."""
    if Path(root).is_file():
        raise DatasetError(
            f"dataset root {root} is a file, not a folder; set `root` in config.yaml to the "
            "folder that holds the dataset (CASME_sq, SAMMLV, or a generic dataset's folder)"
        )
    if not Path(root).is_dir():
        raise DatasetError(f"dataset root {root} does not exist; set `root` in config.yaml")


def read_dataset(
    name: str, kind: str, root: Path, annotations: str | None = None, fps: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Videos and events tables of one dataset, in natural sort order.

    `fps` overrides the frame rate (the releases' own by default; for the generic kind, see
    `softnet.generic`).
    """
    root = Path(root)
    layout = layout_kind(kind)
    if layout == "generic":
        from softnet.generic import read_generic  # the generic reader builds on this module

        videos, events = read_generic(root, annotation_path(kind, root, annotations), fps)
    else:
        workbook = annotation_path(kind, root, annotations)
        reader = _read_casme2 if layout == "casme2" else _read_sammlv
        videos, events = reader(root, workbook)
        videos["fps"] = fps or FPS[layout]
    videos.insert(0, "dataset", name)
    events.insert(0, "dataset", name)
    _warn_events_past_end(videos, events)
    videos = _natural_order(videos, ["subject", "video"])[VIDEO_COLUMNS]
    events = _natural_order(events, ["subject", "video"], then=["onset", "row"])[EVENT_COLUMNS]
    return videos, events


def _natural_order(table: pd.DataFrame, keys: list[str], then: list[str] = ()) -> pd.DataFrame:
    order = sorted(
        range(len(table)),
        key=lambda i: (
            tuple(natural_key(str(table[c].iloc[i])) for c in keys)
            + tuple(table[c].iloc[i] for c in then)
        ),
    )
    return table.iloc[order].reset_index(drop=True)


def _warn_events_past_end(videos: pd.DataFrame, events: pd.DataFrame) -> None:
    keys = zip(videos["subject"], videos["video"])
    last = dict(zip(keys, videos["first_frame"] + videos["frame_count"] - 1))
    for event in events.itertuples():
        if last.get((event.subject, event.video), event.offset) < event.offset:
            log.warning(
                "event %s (row %d): offset %d lies past the last frame %d of %s",
                event.name,
                event.row,
                event.offset,
                last[(event.subject, event.video)],
                event.video,
            )


def _video_rows(kind: str, folders: list[tuple[str, Path]]) -> list[dict]:
    rows = []
    for subject, folder in folders:
        frames = release_frames(kind, folder)
        rows.append(
            {
                "subject": subject,
                "video": folder.name,
                "source": str(folder),
                "frame_count": len(frames),
                "first_frame": frame_number(kind, folder.name, frames[0].name),
                "excluded": "",
            }
        )
    return rows


def _subfolders(path: Path) -> list[Path]:
    if not path.is_dir():
        raise DatasetError(f"folder {path} does not exist")
    return sorted((p for p in path.iterdir() if p.is_dir()), key=lambda p: natural_key(p.name))


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


def _read_sheets(workbook: Path) -> list[Sheet]:
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


def _sheet_key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parses_as_number(value: object) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool)


def _check_not_header(cells: tuple, where: str, fix: str) -> None:
    """A row of text only (no cell a number) where an event belongs is a stray header row."""
    filled = [c for c in cells if not _blank(c)]
    if len(filled) > 1 and not any(_parses_as_number(c) for c in filled):
        shown = ", ".join(str(c).strip() for c in filled)
        raise DatasetError(f"{where} is a header row ({shown}) where data belongs; {fix}")


def _whole_number(value: object, column: str, where: str, lowest: int, meaning: str) -> int:
    """A frame or index cell: a number or numeric text, fractions truncated with int() as the
    published scripts do (SAMM-LV's 566.4)."""
    if _blank(value):
        raise DatasetError(f"{where}: the {column} cell is empty; fill in {meaning}")
    number = float(value) if _parses_as_number(value) else math.nan
    if not math.isfinite(number) or number < lowest:
        raise DatasetError(f"{where}: {column} {value!r} is not {meaning}; correct the cell")
    return int(number)


def _text(value: object, column: str, where: str, example: str) -> str:
    if _blank(value):
        raise DatasetError(f"{where}: the {column} cell is empty; fill in {example}")
    return str(value).strip()


def _check_bounds(onset: int, offset: int, where: str) -> None:
    if offset and offset < onset:
        raise DatasetError(
            f"{where}: offset {offset} is before onset {onset}; correct the cells (an offset "
            "of 0 means the end is not annotated)"
        )


def _check_once(seen: dict, key: object, what: str, row: int, where: str) -> None:
    """The same event (or naming rule) twice would be counted twice: name both rows."""
    if key in seen:
        raise DatasetError(
            f"{where}: {what} is listed twice (rows {seen[key]} and {row}); delete one of them"
        )
    seen[key] = row


CASME2_RULE_SHEETS = ("naming rule1", "naming rule2")
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
    sheets = _read_sheets(workbook)
    by_key = {_sheet_key(sheet.name): sheet for sheet in sheets}
    rules = [by_key.get(_sheet_key(name)) for name in CASME2_RULE_SHEETS]
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
        if all(_blank(cell) for cell in cells):
            continue
        _check_not_header(
            cells, sheet.where(number), "the release's CAS(ME)^2 sheets have none: delete the row"
        )
        yield number, cells


def _casme2_subjects(sheet: Sheet) -> dict[int, tuple[int, str]]:
    """'naming rule1': subject index -> (subject number, folder)."""
    subjects, seen = {}, {}
    for row, cells in _data_rows(sheet, 3):
        where = sheet.where(row)
        number = _whole_number(cells[0], "subject number", where, 1, "a subject number such as 15")
        folder = _text(cells[1], "folder", where, "a folder name such as s15")
        index = _whole_number(cells[2], "subject index", where, 1, "a subject index such as 1")
        _check_once(seen, index, f"subject index {index}", row, where)
        subjects[index] = (number, folder)
    return subjects


def _casme2_stimuli(sheet: Sheet) -> dict[str, str]:
    """'naming rule2': stimulus name -> 4-digit code."""
    stimuli, seen = {}, {}
    for row, cells in _data_rows(sheet, 2):
        where = sheet.where(row)
        code = _stimulus_code(_text(cells[0], "stimulus code", where, "a code such as 0101"))
        name = _text(cells[1], "stimulus name", where, "a name such as disgust1")
        _check_once(seen, name, f"stimulus {name}", row, where)
        stimuli[name] = code
    return stimuli


def _read_casme2(root: Path, workbook: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CAS(ME)^2: the codes sheet, and two naming rules that map them to video folders."""
    codes, rule1, rule2 = _casme2_sheets(workbook)
    subjects = _casme2_subjects(rule1)
    stimuli = _casme2_stimuli(rule2)

    folders = [(s.name, v) for s in _subfolders(root / "rawpic") for v in _subfolders(s)]
    videos = pd.DataFrame(_video_rows("casme2", folders))
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
        index = _whole_number(
            row[0], "subject index", where, 1, "a subject index of 'naming rule1'"
        )
        if index not in subjects:
            raise DatasetError(f"{where}: subject index {index} is not in sheet '{rule1.name}'")
        number, subject = subjects[index]
        expression = _text(row[1], "expression", where, "the expression's name such as anger1_1")
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
            column: _whole_number(value, column, where, 1 if column == "onset" else 0, meaning)
            for (column, meaning), value in zip(CASME2_FRAME_MEANINGS.items(), row[2:5])
        }
        _check_bounds(frames["onset"], frames["offset"], where)
        _check_once(
            seen, (subject, expression), f"event {expression} of {subject}", row_number, where
        )
        events.append(
            {
                "subject": subject,
                "video": matches[0],
                "type": _expression_type(row[7], where),
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


def _expression_type(value: object, where: str) -> str:
    text = str(value).strip().lower()
    for kind in EXPRESSION_TYPES:
        if text.startswith(kind):
            return kind
    raise DatasetError(f"{where}: unknown expression type {value!r} (expected macro or micro)")


SAMM_SHEET = "FACS_Movement_Only"
SAMM_COLUMNS = ["Subject", "Filename", "Onset", "Apex", "Offset", "Type"]
SAMM_FRAME_MEANINGS = {
    "Onset": (0, "a frame number (0 or more)"),
    "Apex": (-1, "a frame number (-1 when not annotated)"),
    "Offset": (0, "a frame number (0 or more)"),
}


def _samm_sheet(workbook: Path) -> tuple[Sheet, list[str]]:
    """The SAMM-LV sheet (FACS_Movement_Only, else the first sheet) and its header (row 10)."""
    sheets = _read_sheets(workbook)
    sheet = next((s for s in sheets if _sheet_key(s.name) == _sheet_key(SAMM_SHEET)), sheets[0])
    header = _header(sheet.rows[SAMM_HEADER_ROW - 1] if len(sheet.rows) >= SAMM_HEADER_ROW else ())
    missing = [column for column in SAMM_COLUMNS if column not in header]
    if not missing:
        return sheet, header
    elsewhere = [
        number
        for number, row in enumerate(sheet.rows[:30], start=1)
        if set(SAMM_COLUMNS) <= set(_header(row))
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


def _header(row: tuple) -> list[str]:
    return [str(cell).strip() if cell is not None else "" for cell in row]


def _read_sammlv(root: Path, workbook: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SAMM-LV: one sheet, a 9-row legend, the header on row 10, data from row 11."""
    sheet, header = _samm_sheet(workbook)
    folders = [(v.name.split("_", 1)[0], v) for v in _subfolders(root / "SAMM_longvideos")]
    videos = pd.DataFrame(_video_rows("sammlv", folders))

    events, seen = [], {}
    for row_number, row in enumerate(sheet.rows[SAMM_HEADER_ROW:], start=SAMM_HEADER_ROW + 1):
        record = dict(zip(header, row))
        if _blank(record.get("Filename")):
            continue
        where = sheet.where(row_number)
        _check_not_header(
            tuple(record.get(column) for column in SAMM_COLUMNS),
            where,
            f"the release's only header is on row {SAMM_HEADER_ROW}: delete the row",
        )
        subject = _samm_subject(_text(record["Subject"], "Subject", where, "a subject such as 006"))
        name = str(record["Filename"]).strip()
        frames = {
            column.lower(): _whole_number(record[column], column, where, lowest, meaning)
            for column, (lowest, meaning) in SAMM_FRAME_MEANINGS.items()
        }
        _check_bounds(frames["onset"], frames["offset"], where)
        _check_once(seen, name, f"event {name}", row_number, where)
        events.append(
            {
                "subject": subject,
                "video": name.rsplit("_", 1)[0],
                "type": _expression_type(record["Type"], where),
                **frames,
                "name": name,
                "row": row_number,
            }
        )
    events = pd.DataFrame(events, columns=EVENT_COLUMNS[1:])
    unknown = sorted(set(events["video"]) - set(videos["video"]))
    if unknown:
        raise DatasetError(
            f"{workbook} refers to videos with no folder under {root / 'SAMM_longvideos'}: "
            f"{', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}"
        )
    return videos, events


def _samm_subject(value: object) -> str:
    """SAMM subjects are 3-digit strings ('006'); a numeric cell would lose the zeros."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0)?", text):
        return f"{int(float(text)):03d}"
    return text


def load_videos(path: str | os.PathLike) -> pd.DataFrame:
    """An index's videos.csv, with subject and video names kept as text ('006', not 6)."""
    return pd.read_csv(path, dtype={"subject": str, "video": str}, keep_default_na=False)


def load_events(path: str | os.PathLike) -> pd.DataFrame:
    """An index's events.csv, with subject and video names kept as text."""
    return pd.read_csv(path, dtype={"subject": str, "video": str})


def load_k(summary: str | os.PathLike, expression_type: str) -> int:
    """k of one expression type from an index's summary.json."""
    with open(summary) as handle:
        return int(json.load(handle)[expression_type]["k"])
