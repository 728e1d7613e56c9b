"""Where a dataset keeps its frames and its annotations: frame names, frame folders, roots."""

from __future__ import annotations

import os
import re
from pathlib import Path

from softnet.datasets.kinds import (
    CASME2_FRAME,
    FRAME_FOLDERS,
    KNOWN_WORKBOOKS,
    RELEASE_FOLDERS,
    DatasetError,
    layout_kind,
    natural_key,
)
from softnet.videos import IMAGE_SUFFIXES, FrameFolder, FrameSource, VideoFile


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
    layout = layout_kind(kind)
    if layout == "casme2":
        return Path(root) / FRAME_FOLDERS[layout] / subject / video
    return Path(root) / FRAME_FOLDERS[layout] / video


def annotation_path(kind: str, root: Path, annotations: str | None) -> Path:
    """The annotation workbook: the configured name, or the release's own name by default.

    A missing workbook is an error that lists the release names found in the folder, so
    that a user with another release knows what to put in `annotations`.
    """
    layout = layout_kind(kind)
    check_root(root, kind)
    name = annotations or KNOWN_WORKBOOKS[layout][0]
    path = Path(name) if Path(name).is_absolute() else Path(root) / name
    if path.is_file():
        return path
    if layout == "generic":
        raise DatasetError(
            f"events file {path} not found; a generic dataset needs a CSV of events there, "
            "or `annotations` in config.yaml naming it (see docs/datasets.md)"
        )
    found = [n for n in KNOWN_WORKBOOKS[layout] if (Path(root) / n).is_file()]
    hint = (
        f"found {', '.join(found)} there: set `annotations: {found[0]}` for this dataset "
        "in config.yaml"
        if found
        else f"known release names: {', '.join(KNOWN_WORKBOOKS[layout])}"
    )
    raise DatasetError(f"annotation workbook {path} not found; {hint}")


def check_root(root: Path, kind: str) -> None:
    """A dataset root must be a folder in its kind's layout: say what is wrong and the fix.

    A file, a missing folder, a release folder given for the other kind, the folder above a
    release or its frame folder, and a generic root without subject folders are each an
    error naming the path and what was expected.
    """
    root, layout = Path(root), layout_kind(kind)
    if root.is_file():
        raise DatasetError(
            f"dataset root {root} is a file, not a folder; set `root` in config.yaml to the "
            "folder that holds the dataset (CASME_sq, SAMMLV, or a generic dataset's folder)"
        )
    if not root.is_dir():
        raise DatasetError(f"dataset root {root} does not exist; set `root` in config.yaml")
    held = [other for other, folder in FRAME_FOLDERS.items() if (root / folder).is_dir()]
    if layout in held:
        return
    if held:
        raise DatasetError(
            f"dataset root {root} holds {FRAME_FOLDERS[held[0]]}/, the layout of kind "
            f"{held[0]}, but the dataset's kind is {kind}; set `kind: {held[0]}` for it"
        )
    if layout == "generic":
        if not any(p.is_dir() and not p.name.startswith(".") for p in root.iterdir()):
            raise DatasetError(
                f"dataset root {root} holds no subject folder; a generic dataset's root holds "
                "<subject>/<video file or frame folder> and events.csv (docs/datasets.md)"
            )
        return
    release, frames = RELEASE_FOLDERS[layout], FRAME_FOLDERS[layout]
    if (root / release / frames).is_dir():
        hint = f"it holds {release}/: set `root` to {root / release}"
    elif root.name == frames:
        hint = f"it is the frame folder itself: set `root` to {root.parent}"
    else:
        hint = f"a {kind} root is the release's {release} folder, which holds {frames}/"
    raise DatasetError(f"dataset root {root} has no {frames}/ folder; {hint}")


def video_rows(kind: str, folders: list[tuple[str, Path]]) -> list[dict]:
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


def subfolders(path: Path) -> list[Path]:
    if not path.is_dir():
        raise DatasetError(f"folder {path} does not exist")
    return sorted((p for p in path.iterdir() if p.is_dir()), key=lambda p: natural_key(p.name))
