"""Synthetic long-video dataset in the CAS(ME)^2 (or the SAMM-LV) release layout.

The real datasets need a signed licence, so the workflow, its tests and its demo run on this
stand-in: one long video per subject of a real face (scikit-image's astronaut photograph) with
planted macro- and micro-expressions whose timing is known, plus the nuisances the method has to
cope with (slow head motion, blinks, sensor noise). Files are laid out and annotated exactly like
the real release so that the same reader code handles both. The SAMM-LV layout (200 fps) lets
the SAMM-LV reader and the stages be run, and measured, on that release's layout.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import cv2
import dlib
import numpy as np
import openpyxl
import pandas as pd
from skimage import data as skdata

from softnet.datasets.kinds import (
    CASME2_CODES_SHEET,
    CASME2_RULE_SHEETS,
    FRAME_FOLDERS,
    KNOWN_WORKBOOKS,
    SAMM_SHEET,
)
from softnet.face import (
    CropSettings,
    crop,
    default_landmark_model,
    face_detector,
    fit_landmarks,
    largest_face,
)

# Subject numbers of the real release, in the order of the workbook's subject index.
SUBJECT_NUMBERS: tuple[int, ...] = (
    15,
    16,
    19,
    20,
    21,
    22,
    23,
    24,
    25,
    26,
    27,
    29,
    30,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    38,
    40,
)
# (stimulus code, stimulus name, video-folder suffix) as in the real release (sic "unnyfarting").
STIMULI: tuple[tuple[str, str, str], ...] = (
    ("0101", "disgust1", "disgustingteeth"),
    ("0102", "disgust2", "eatingworms"),
    ("0401", "anger1", "girlcrashing"),
    ("0402", "anger2", "beatingpregnantwoman"),
    ("0502", "happy1", "funnyerrors"),
    ("0503", "happy2", "unnyfarting"),
    ("0505", "happy3", "funnyinnovations"),
    ("0507", "happy4", "climbingthewall"),
    ("0508", "happy5", "funnydunkey"),
)
#: The release layouts the demo can be written in.
LAYOUTS = ("casme2", "sammlv")
#: SAMM-LV's subjects (006..026, 028, 030..037), each with one video here.
SAMM_SUBJECTS: tuple[str, ...] = tuple(f"{n:03d}" for n in (*range(6, 27), 28, *range(30, 38)))
SAMM_HEADER = (
    "Subject",
    "Filename",
    "Inducement Code",
    "Onset",
    "Apex",
    "Offset",
    "Duration",
    "Type",
    "Action Units",
    "Notes",
)
SAMM_TYPE_LABEL = {"micro": "Micro - 1/2", "macro": "Macro"}
#: SAMM-LV records at 200 fps, CAS(ME)^2 at 30: the same expressions last this many times
#: more frames (the gaps between events stay as they are: they only need to be neutral).
SAMM_DURATION_SCALE = 200 / 30

# Event timing (offset - onset, frames) and peak displacement (pixels at the 128x128 crop scale
# the method works at), chosen to resemble the real annotations (micro 8..16, macro ~35 frames).
DURATION = {"micro": (8, 12), "macro": (24, 36)}
AMPLITUDE_CROP_PX = {"micro": (1.0, 1.5), "macro": (3.0, 4.0)}
TYPE_LABEL = {"micro": "micro-expression", "macro": "macro-expression"}
NOMINAL_GAP = 15  # neutral frames between events and from the video edges
MIN_GAP = 7  # smallest gap accepted for short videos: still room for a 3-frame blink
NOISE_SIGMA = 2.0  # grey levels

# Planted facial actions: parts moved, AUs, emotion class, self-reported emotion.
ACTIONS: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "brow_raise": (("brows",), "1+2", "surprise", "surprise"),
    "smile": (("lip_corners",), "12", "positive", "happy"),
    "mouth_open": (("jaw",), "25+26", "others", "others"),
    "surprise": (("brows", "jaw"), "1+2+25+26", "surprise", "surprise"),
    "brow_smile": (("brows", "lip_corners"), "1+2+12", "positive", "happy"),
}

# dlib's box on the unmodified astronaut photograph: (175, 76)-(265, 166).
_SRC_FACE_CENTRE = np.array([220.0, 121.0])
_SRC_FACE_WIDTH = 90.0
_MAX_APPEARANCE_TRIES = 20


@dataclass(frozen=True)
class _Event:
    type: str  # "micro" | "macro"
    onset: int  # 1-based frame numbers
    apex: int
    offset: int
    action: str
    amplitude: float  # crop-scale pixels

    def envelope(self, frame: int) -> float:
        """Raised-cosine rise onset->apex and fall apex->offset, zero outside."""
        if frame <= self.onset or frame >= self.offset:
            return 0.0
        if frame <= self.apex:
            return 0.5 - 0.5 * math.cos(math.pi * (frame - self.onset) / (self.apex - self.onset))
        return 0.5 + 0.5 * math.cos(math.pi * (frame - self.apex) / (self.offset - self.apex))


@dataclass(frozen=True)
class _Blink:
    start: int  # 1-based first frame with closed-ish eyes
    length: int

    def envelope(self, frame: int) -> float:
        """Close and reopen over `length` frames, peaking mid-blink."""
        i = frame - self.start
        if i < 0 or i >= self.length:
            return 0.0
        return math.sin(math.pi * (i + 1) / (self.length + 1))


@dataclass(frozen=True)
class _Appearance:
    to_frame: np.ndarray  # 3x3 affine: astronaut pixel -> frame pixel
    gain: np.ndarray  # per-channel (B, G, R) contrast
    bias: float  # brightness


def frame_name(number: int) -> str:
    """CAS(ME)^2 frame file name for a 1-based frame number (img001 .. img099, img100 ...)."""
    return f"img{number:03d}.jpg"


def samm_frame_name(video: str, number: int, frames: int) -> str:
    """SAMM-LV frame file name: 4-digit numbers, 5 digits in a video that needs them."""
    return f"{video}_{number:0{max(4, len(str(frames)))}d}.jpg"


@lru_cache(maxsize=1)
def _source() -> np.ndarray:
    return cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR)


def _plan_events(
    rng: np.random.Generator, frames: int, micro: bool = True, duration_scale: float = 1.0
) -> list[_Event]:
    """Place 1-2 macro and 1-2 micro events (or macro only) with neutral gaps, shrinking the
    plan to fit. `duration_scale` stretches the events' DURATION ranges (a higher frame rate)."""
    types = ["macro"] * int(rng.integers(1, 3)) + ["micro"] * int(rng.integers(1, 3))
    rng.shuffle(types)
    if not micro:
        types = [t for t in types if t == "macro"]
    bounds = {t: [round(d * duration_scale) for d in DURATION[t]] for t in DURATION}
    durations = [int(rng.integers(bounds[t][0], bounds[t][1] + 1)) for t in types]

    def needed(gap: int) -> int:
        return sum(d + 1 for d in durations) + gap * (len(types) + 1)

    while needed(NOMINAL_GAP) > frames and len(types) > len(set(types)):  # drop second events
        drop = next(i for i in range(len(types)) if types.count(types[i]) > 1)
        del types[drop], durations[drop]
    if needed(NOMINAL_GAP) > frames:
        durations = [bounds[t][0] for t in types]
    gap = min(NOMINAL_GAP, (frames - sum(d + 1 for d in durations)) // (len(types) + 1))
    if gap < MIN_GAP:
        raise ValueError(f"{frames} frames cannot hold one macro and one micro event")
    spare = frames - needed(gap)
    extra = rng.multinomial(spare, np.full(len(types) + 1, 1.0 / (len(types) + 1)))

    events = []
    start = 1
    for t, d, e in zip(types, durations, extra):
        onset = start + gap + int(e)
        apex = onset + max(1, min(d - 1, int(round(d * rng.uniform(0.35, 0.5)))))
        action = str(rng.choice(list(ACTIONS)))
        amplitude = float(rng.uniform(*AMPLITUDE_CROP_PX[t]))
        events.append(_Event(t, onset, apex, onset + d, action, amplitude))
        start = onset + d + 1
    return events


def _plan_blinks(rng: np.random.Generator, events: list[_Event], frames: int) -> list[_Blink]:
    """Put 1-2 blinks of 3-5 frames inside distinct neutral gaps, clear of the events."""
    bounds = [0] + [b for e in events for b in (e.onset, e.offset)] + [frames + 1]
    gaps = [(bounds[i] + 1, bounds[i + 1] - 1) for i in range(0, len(bounds), 2)]
    blinks = []
    for g in rng.permutation(len(gaps))[: int(rng.integers(1, 3))]:
        first, last = gaps[g]
        size = last - first + 1
        length = min(int(rng.integers(3, 6)), size - 4)  # short gaps keep >= 2 clear frames a side
        margin = min(5, (size - length) // 2)
        start = int(rng.integers(first + margin, last - margin - length + 2))
        blinks.append(_Blink(start, length))
    return blinks


def _draw_appearance(
    rng: np.random.Generator, frame_size: tuple[int, int], mirror: bool
) -> _Appearance:
    """Pose, size, position and exposure of one subject's face in the frame."""
    width, height = frame_size
    face_width = 0.5 * min(height, width * 0.75) * rng.uniform(0.92, 1.08)
    scale = face_width / _SRC_FACE_WIDTH
    angle = math.radians(rng.uniform(-5.0, 5.0))
    centre = np.array(
        [width * (0.5 + rng.uniform(-0.08, 0.08)), height * (0.5 + rng.uniform(-0.05, 0.05))]
    )
    c, s = math.cos(angle) * scale, math.sin(angle) * scale
    linear = np.array([[c, -s], [s, c]]) @ np.diag([-1.0 if mirror else 1.0, 1.0])
    to_frame = np.eye(3)
    to_frame[:2, :2] = linear
    to_frame[:2, 2] = centre - linear @ _SRC_FACE_CENTRE
    gain = rng.uniform(0.85, 1.15) * (1.0 + rng.uniform(-0.05, 0.05, size=3))
    return _Appearance(to_frame, gain.astype(np.float32), float(rng.uniform(-20.0, 20.0)))


def _bumps(
    grid: tuple[np.ndarray, np.ndarray], centres: np.ndarray, sigma: tuple[float, float]
) -> np.ndarray:
    """Sum of Gaussian bumps at `centres`, scaled to peak 1: a smooth weight over a region."""
    xs, ys = grid
    w = np.zeros_like(xs)
    for cx, cy in centres:
        w += np.exp(
            -((xs - cx) ** 2) / (2 * sigma[0] ** 2) - ((ys - cy) ** 2) / (2 * sigma[1] ** 2)
        )
    return w / w.max()


def _part_fields(grid: tuple[np.ndarray, np.ndarray], pts: np.ndarray) -> dict[str, np.ndarray]:
    """Unit-peak displacement fields (2, H, W) of the movable parts, from 68 landmarks."""
    face = np.linalg.norm(pts[16] - pts[0])  # jaw width
    zero = np.zeros_like(grid[0])
    brows = _bumps(grid, pts[17:27], (0.06 * face, 0.06 * face))
    # Lip corners drag the cheeks with them; the lower lip drags the chin (jaw drop).
    left = _bumps(grid, pts[[48]], (0.09 * face, 0.09 * face))
    right = _bumps(grid, pts[[54]], (0.09 * face, 0.09 * face))
    corners = np.stack(
        [(right - left) * math.cos(math.pi / 6), -(right + left) * math.sin(math.pi / 6)]
    )
    lower = _bumps(grid, pts[[56, 57, 58, 7, 8, 9]], (0.1 * face, 0.08 * face))
    upper = _bumps(grid, pts[[50, 51, 52]], (0.09 * face, 0.04 * face))
    fields = {
        "brows": np.stack([zero, -brows]),
        "lip_corners": corners,
        "jaw": np.stack([zero, lower - 0.3 * upper]),
    }
    return {part: field.astype(np.float32) for part, field in fields.items()}


def _blink_field(grid: tuple[np.ndarray, np.ndarray], pts: np.ndarray) -> np.ndarray:
    """Vertical squeeze towards each eye's centre line (content moves towards it).

    Confined to the eye's own width: the nose bridge, where SOFTNet measures head motion
    (landmark 28), stays still, as it does in a real blink.
    """
    xs, ys = grid
    fy = np.zeros_like(xs)
    for eye in (pts[36:42], pts[42:48]):
        cx, cy = eye.mean(axis=0)
        eye_width = np.linalg.norm(eye[3] - eye[0])
        g = np.exp(
            -((xs - cx) ** 2) / (2 * (0.35 * eye_width) ** 2)
            - ((ys - cy) ** 2) / (2 * (0.3 * eye_width) ** 2)
        )
        fy -= 2.0 * (ys - cy) * g  # 2.0: strong squeeze, still fold-free (limit ~2.24)
    return np.stack([np.zeros_like(fy), fy]).astype(np.float32)


def _drift(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amplitudes, periods (frames) and phases of slow sinusoidal head motion in x, y, roll."""
    amplitude = np.array(
        [rng.uniform(0.4, 1.5), rng.uniform(0.3, 1.0), math.radians(rng.uniform(0.05, 0.25))]
    )
    period = rng.uniform(120.0, 300.0, size=3)
    phase = rng.uniform(0.0, 2 * math.pi, size=3)
    return amplitude, period, phase


def _render(
    look: _Appearance,
    grid: tuple[np.ndarray, np.ndarray],
    displacement: np.ndarray | None,
    motion: np.ndarray,
    noise: np.ndarray | None,
) -> np.ndarray:
    """One frame: head pose `motion` (dx, dy, roll), local `displacement` (content motion, px)."""
    height, width = grid[0].shape
    roll = cv2.getRotationMatrix2D((width / 2, height / 2), math.degrees(motion[2]), 1.0)
    head = np.vstack([roll, [0, 0, 1]])
    head[:2, 2] += motion[:2]
    # Pull-back map: frame pixel -> astronaut pixel, undoing head motion then the local motion.
    back = np.linalg.inv(look.to_frame) @ np.linalg.inv(head)
    (a, b, c), (d, e, f) = back[:2].tolist()
    xs, ys = grid
    map_x = a * xs + b * ys + c
    map_y = d * xs + e * ys + f
    if displacement is not None:
        (a, b), (d, e) = np.linalg.inv(look.to_frame[:2, :2]).tolist()
        map_x -= a * displacement[0] + b * displacement[1]
        map_y -= d * displacement[0] + e * displacement[1]
    img = cv2.remap(_source(), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    img = img.astype(np.float32)
    img = img * look.gain + look.bias
    if noise is not None:
        img += noise
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def _face_box(img: np.ndarray) -> dlib.rectangle | None:
    """The single HOG face box of a frame, if the pipeline's first-frame checks would pass."""
    boxes = face_detector()(img, 1)
    if len(boxes) != 1:
        return None
    face_crop = crop(img, largest_face(boxes, *img.shape[:2]), CropSettings(codec="lossless"))
    return boxes[0] if len(face_detector()(face_crop, 1)) > 0 else None


def _write_video(
    folder: Path,
    names: Callable[[int], str],
    rng: np.random.Generator,
    frames: int,
    frame_size: tuple[int, int],
    mirror: bool,
    events: list[_Event],
    blinks: list[_Blink],
) -> None:
    """Render and write one subject's long video (frame t to `names(t)`), re-drawing the look
    until dlib sees the face."""
    width, height = frame_size
    grid = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    drift_amp, drift_period, drift_phase = _drift(rng)

    def motion(t: int) -> np.ndarray:
        return drift_amp * np.sin(2 * math.pi * t / drift_period + drift_phase)

    def noise() -> np.ndarray:
        # Luminance noise only: chroma noise would mostly vanish in JPEG's 4:2:0 anyway.
        return rng.standard_normal((height, width, 1), dtype=np.float32) * NOISE_SIGMA

    for _ in range(_MAX_APPEARANCE_TRIES):
        look = _draw_appearance(rng, frame_size, mirror)
        base = _render(look, grid, None, np.zeros(3), None)
        base_box = _face_box(base)
        first = cv2.imencode(".jpg", _render(look, grid, None, motion(1), noise()))[1]
        first_box = _face_box(cv2.imdecode(first, cv2.IMREAD_COLOR))
        if base_box is not None and first_box is not None:
            break
    else:
        raise RuntimeError(f"no face-detectable appearance for {folder.name}")

    pts = fit_landmarks(base, base_box, default_landmark_model()).astype(np.float64)
    px_per_crop_px = first_box.width() / 128.0
    parts = _part_fields(grid, pts)
    fields = [
        sum(parts[p] for p in ACTIONS[e.action][0]) * float(e.amplitude * px_per_crop_px)
        for e in events
    ]
    blink = _blink_field(grid, pts)

    folder.mkdir(parents=True, exist_ok=True)
    (folder / names(1)).write_bytes(first.tobytes())  # the bytes cv2.imwrite would write
    for t in range(2, frames + 1):
        displacement = None
        for e, field in zip(events, fields):
            if (a := e.envelope(t)) > 0:
                displacement = field * a if displacement is None else displacement + field * a
        for b in blinks:
            if (a := b.envelope(t)) > 0:
                displacement = blink * a if displacement is None else displacement + blink * a
        cv2.imwrite(str(folder / names(t)), _render(look, grid, displacement, motion(t), noise()))


def make_demo(
    root: Path,
    subjects: int = 4,
    frames: int = 200,
    seed: int = 0,
    frame_size: tuple[int, int] = (320, 240),
    without_micro: int = 0,
    layout: str = "casme2",
) -> pd.DataFrame:
    """Write a synthetic release in `layout`; return its ground truth.

    casme2: `root` is the CASME_sq folder, one video per subject under rawpic/ and the
    annotation workbook beside it. sammlv: `root` is the SAMMLV folder, one video per subject
    (006_1, 007_1, ...) under SAMM_longvideos/ and the SAMM workbook beside it; its events last
    SAMM_DURATION_SCALE times as many frames. The last `without_micro` subjects get
    macro-expressions only, as several CAS(ME)^2 subjects have no micro-expression. The
    returned table has columns subject, video, type ('micro' | 'macro'), onset, apex, offset
    (1-based frames).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"demo layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    names = SUBJECT_NUMBERS if layout == "casme2" else SAMM_SUBJECTS
    if not 1 <= subjects <= len(names):
        raise ValueError(f"subjects must be in 1..{len(names)}")
    if not 0 <= without_micro < subjects:
        raise ValueError(
            f"without_micro must be in 0..{subjects - 1}: a subject needs micro events"
        )
    root = Path(root)
    scale = 1.0 if layout == "casme2" else SAMM_DURATION_SCALE
    truth = []
    for index in range(subjects):
        rng = np.random.default_rng((seed, index))
        if layout == "casme2":
            number = SUBJECT_NUMBERS[index]
            code, _, suffix = STIMULI[index % len(STIMULI)]
            subject, video = f"s{number}", f"{number}_{code}{suffix}"
            folder = root / FRAME_FOLDERS["casme2"] / subject / video
            frame_names = frame_name
        else:
            subject = SAMM_SUBJECTS[index]
            video = f"{subject}_1"
            folder = root / FRAME_FOLDERS["sammlv"] / video
            frame_names = partial(samm_frame_name, video, frames=frames)
        events = _plan_events(rng, frames, index < subjects - without_micro, scale)
        blinks = _plan_blinks(rng, events, frames)
        _write_video(folder, frame_names, rng, frames, frame_size, index % 2 == 1, events, blinks)
        truth += [
            {"subject": subject, "video": video, "index": index, "number": k, "event": e}
            for k, e in enumerate(events, start=1)
        ]
    if layout == "casme2":
        _write_casme2_workbook(root, subjects, truth)
    else:
        _write_samm_workbook(root, truth)
    return pd.DataFrame(
        [
            {"subject": t["subject"], "video": t["video"], "type": t["event"].type}
            | {key: getattr(t["event"], key) for key in ("onset", "apex", "offset")}
            for t in truth
        ],
        columns=["subject", "video", "type", "onset", "apex", "offset"],
    )


def _write_casme2_workbook(root: Path, subjects: int, planted: list[dict]) -> None:
    """CAS(ME)^2code_final.xlsx: 3 sheets without headers (events, subjects, stimuli)."""
    code_rows = []
    for t in planted:
        e = t["event"]
        aus, emotion, reported = ACTIONS[e.action][1:]
        stimulus = STIMULI[t["index"] % len(STIMULI)][1]
        code_rows.append(
            [
                t["index"] + 1,
                f"{stimulus}_{t['number']}",
                e.onset,
                e.apex,
                e.offset,
                aus,
                emotion,
                TYPE_LABEL[e.type],
                reported,
            ]
        )
    sheets = (
        pd.DataFrame(code_rows),
        pd.DataFrame([[n, f"s{n}", i + 1] for i, n in enumerate(SUBJECT_NUMBERS[:subjects])]),
        pd.DataFrame([[code, name] for code, name, _ in STIMULI]),
    )
    with pd.ExcelWriter(root / KNOWN_WORKBOOKS["casme2"][0], engine="openpyxl") as writer:
        for sheet, sheet_name in zip(sheets, (CASME2_CODES_SHEET, *CASME2_RULE_SHEETS)):
            sheet.to_excel(writer, sheet_name=sheet_name, header=False, index=False)


def _write_samm_workbook(root: Path, planted: list[dict]) -> None:
    """SAMM_LongVideos_V1_Release.xlsx: a 9-row legend, the header on row 10, then the events."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SAMM_SHEET
    for line in range(1, 10):
        sheet.append([f"Synthetic SAMM-LV stand-in (softnet.datasets.demo), legend line {line}"])
    sheet.append(SAMM_HEADER)
    for t in planted:
        e = t["event"]
        sheet.append(
            [
                t["subject"],
                f"{t['video']}_{t['number']}",
                1,
                e.onset,
                e.apex,
                e.offset,
                e.offset - e.onset,
                SAMM_TYPE_LABEL[e.type],
                ACTIONS[e.action][1],
                None,
            ]
        )
    book.save(root / KNOWN_WORKBOOKS["sammlv"][0])
