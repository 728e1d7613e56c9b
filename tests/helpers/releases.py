"""Tiny copies of the real releases' layouts and workbooks, built in a test's folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

from softnet.datasets.demo import SAMM_HEADER

CASME2_STIMULI = [
    ("0101", "disgust1"),
    ("0102", "disgust2"),
    ("0401", "anger1"),
    ("0402", "anger2"),
    ("0502", "happy1"),
    ("0503", "happy2"),
    ("0505", "happy3"),
    ("0507", "happy4"),
    ("0508", "happy5"),
]
CASME2_SUBJECTS = [(15, "s15", 1), (16, "s16", 2), (19, "s19", 3), (23, "s23", 7)]
CASME2_VIDEOS = {
    "s15": {"15_0101disgustingteeth": 102, "15_0401girlcrashing": 40},
    "s16": {"16_0102eatingworms": 50},
    "s19": {"19_0402beatingpregnantwoman": 30, "23_0502funnyerrors": 20},
    "s23": {"23_0502funnyerrors": 20},
}
# subject index, expression, onset, apex, offset, AUs, class, type, self-report
CASME2_CODES = [
    (1, "disgust1_1", 10, 14, 22, "4+10", "negative", "micro-expression", "disgust"),
    (1, "disgust1_2", 50, 60, 0, "4", "negative", "macro-expression", "disgust"),  # offset 0
    (1, "anger1_1", 5, 0, 30, "4+7", "negative", "macro-expression", "anger"),  # apex 0
    (2, "disgust2_1", 20, 40, 35, "9", "negative", "macro-expression", "disgust"),  # apex > offset
    (2, "disgust2_2", 3, 6, 11, "12", "positive", "micro-expression", "happy"),
    (7, "happy1_1", 2, 5, 12, "6+12", "positive", "macro-expression", "happy"),
]


def touch_frames(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).touch()


def casme2_frame_name(number: int) -> str:
    return f"img{number:03d}.jpg"


def make_casme2(
    root: Path, first_sheet: str = "CASFEcode_final", workbook: str = "CAS(ME)^2code_final.xlsx"
) -> Path:
    """A CASME_sq folder: rawpic frames (empty files) and the 3-sheet workbook without headers."""
    for subject, videos in CASME2_VIDEOS.items():
        for video, count in videos.items():
            touch_frames(
                root / "rawpic" / subject / video,
                [casme2_frame_name(i) for i in range(1, count + 1)],
            )
    book = Workbook()
    codes = book.active
    codes.title = first_sheet
    for row in CASME2_CODES:
        codes.append(row)
    rule1 = book.create_sheet("naming rule1")
    for row in CASME2_SUBJECTS:
        rule1.append(row)
    rule2 = book.create_sheet("naming rule2")
    for code, name in CASME2_STIMULI:
        rule2.append([code, name])
    path = root / workbook
    book.save(path)
    return path


SAMM_VIDEOS = {"006_1": 40, "006_2": 30, "011_2": 25}
# Subject, Filename, Inducement Code, Onset, Apex, Offset, Type, Action Units
SAMM_ROWS = [
    ("006", "006_1_1", 1, 5, 9, 20, "Macro", "12"),
    ("006", "006_1_2", 1, 22.6, 25.4, 28.9, "Micro - 1/2", "4"),  # fractional frames
    ("006", "006_1_3", 1, 0, 10, 39, "Macro", "1+2"),  # macro onset 0: dropped by SOFTNet
    ("006", "006_2_1", 2, 3, -1, 15, "Micro - 1/2", "R12"),  # apex not annotated
    ("011", "011_2_1", 4, 10, 20, 60, "Macro", "25"),  # offset past the last frame
    ("011", "011_2_2", 4, 2, 4, 9, "Micro - 1/2", "6"),
]


def make_sammlv(
    root: Path, workbook: str = "SAMM_LongVideos_V1_Release.xlsx", numeric_subjects: bool = False
) -> Path:
    """A SAMMLV folder: 4-digit frame names and the workbook's legend-headed sheet."""
    for video, count in SAMM_VIDEOS.items():
        touch_frames(
            root / "SAMM_longvideos" / video, [f"{video}_{i:04d}.jpg" for i in range(1, count + 1)]
        )
    book = Workbook()
    sheet = book.active
    sheet.title = "FACS_Movement_Only"
    for line in range(1, 10):
        sheet.append([f"legend line {line}"])
    sheet.append(list(SAMM_HEADER))
    for excel_row, (subject, name, code, onset, apex, offset, kind, aus) in enumerate(
        SAMM_ROWS, start=11
    ):
        subject_cell = int(subject) if numeric_subjects else subject
        sheet.append(
            [
                subject_cell,
                name,
                code,
                onset,
                apex,
                offset,
                f"=F{excel_row}-D{excel_row}",
                kind,
                aus,
                None,
            ]
        )
    path = root / workbook
    book.save(path)
    return path


def edit_workbook(path: Path, edit: Callable[[Workbook], object]) -> None:
    """Change a built workbook in place, as a hand edit of the release's copy would."""
    book = load_workbook(path)
    edit(book)
    book.save(path)
