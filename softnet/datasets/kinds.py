"""The dataset kinds, the expression types, and the names the real releases publish.

Everything that names a release's folders, workbooks or sheets, or a fact of a release (its
frame rate, the k its annotations give), is written here once.
"""

from __future__ import annotations

import re

EXPRESSION_TYPES = ("micro", "macro")
DATASET_KINDS = ("casme2", "sammlv", "demo", "generic")
#: The columns of an index's videos.csv and events.csv.
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
EVENT_COLUMNS = ["dataset", "subject", "video", "type", "onset", "apex", "offset", "name", "row"]

#: The top folder of each release, also the name of its folder in the authors' SOFTNet_Weights.
RELEASE_FOLDERS = {"casme2": "CASME_sq", "sammlv": "SAMMLV"}
#: The folder of a release's frames, below its top folder.
FRAME_FOLDERS = {"casme2": "rawpic", "sammlv": "SAMM_longvideos"}
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
#: The sheets of the CAS(ME)^2 workbook: the codes (named differently by each release) and
#: the two naming rules, which every release names so.
CASME2_CODES_SHEET = "CASFEcode_final"
CASME2_RULE_SHEETS = ("naming rule1", "naming rule2")
#: The sheet of the SAMM-LV workbook that holds the events.
SAMM_SHEET = "FACS_Movement_Only"
FPS = {"casme2": 30.0, "sammlv": 200.0}
#: k of the releases' own annotations (docs/method.md, step 1), in frames at the releases' fps: the
#: k the published weights were trained with.
PUBLISHED_K = {"casme2": {"micro": 6, "macro": 18}, "sammlv": {"micro": 37, "macro": 174}}
CASME2_FRAME = re.compile(r"^img(\d+)\.jpg$", re.IGNORECASE)


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
