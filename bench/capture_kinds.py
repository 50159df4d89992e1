"""Whiteboards and screens through the capture step: a synthetic, seeded measurement set, read
through the OCR service's own path with the capture step as it is and with each candidate
enhancement (bench.capture_candidates: board, screen), in one process and one run.

    source scripts/lib.sh && "$UV" run --frozen python -m bench.capture_kinds [--boards 8]
        [--seed 18] [--save DIR] [--real] [--json report.json]

Whiteboards: lines of English and Korean (Noto Sans CJK, and Pillow's default font for some
English) in marker colours (black, blue, red, green; some faint or thin, some dry and streaky)
on an off-white or grey board lit unevenly (a gradient and a soft glare blob), in its frame on
a wall, seen in perspective by a camera (slight blur, noise, JPEG). The truth is the text drawn.

Screens: each clean slide render of ../shared/samples/slides shown on a screen (a grid of
red, green and blue subpixels with a dark gap between rows), in a black bezel on a wall,
photographed at an angle: the camera samples the grid without a low-pass, so it beats into
moiré; then a glare blob, a slight blur and noise. The reference is what the service reads
on the clean render (capture as it is), computed in the same run.

Each image is read with `Reader.read(raw, image_type)` from `build_reader(OcrSettings())`;
a candidate replaces the reader's capture call by the capture step followed by the candidate,
applied only where its kind is recognised (`board.looks_like_board`, `screen.looks_like_screen`)
on a document found, as it would be if wired. `--real` also reads the photo and scan sets
with every candidate (an image a candidate leaves unchanged is not read twice). Then the
candidates' own time on a 12 MP image, median of TIMING_RUNS.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

import ocr_service.reader as reader_module
from bench.capture_candidates import board, screen
from ocr_service.bootstrap import build_reader
from ocr_service.capture import Capture, capture
from ocr_service.evaluate import IMAGE_TYPES
from ocr_service.images import load
from ocr_service.settings import OcrSettings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared/samples"
NOTO = Path("/usr/share/fonts/opentype/noto")
PHOTO = (2400, 1800)  # the camera's frame, w x h (4.3 MP): big enough for the board's strokes
BOARD = (1800, 1150)  # the board's surface, px before it is photographed
TWELVE_MP = (4240, 2830)
TIMING_RUNS = 7

ENGLISH = [
    "Sprint 14 review",
    "Ship the beta on Friday",
    "API limit 200 per minute",
    "Fix login timeout bug",
    "Design review at 3 pm",
    "Budget: 12,500 USD",
    "Next steps for Q3",
    "Ask Mina about the logo",
    "Test on Android 15",
    "Move data to new server",
    "Customer feedback survey",
    "Plan the team offsite",
]
KOREAN = [
    "회의 안건",
    "다음 주 출시 일정",
    "디자인 검토 완료",
    "서버 이전 계획",
    "고객 설문 결과 공유",
    "예산 확인 필요",
    "로그인 오류 수정",
    "팀 워크숍 장소",
    "신규 기능 테스트",
    "발표 자료 준비",
]
MARKERS = {  # RGB of fresh marker on a white board
    "black": (30, 32, 38),
    "blue": (25, 60, 170),
    "red": (190, 35, 40),
    "green": (30, 120, 60),
}


@dataclass(frozen=True)
class Scene:
    name: str
    kind: str  # board | screen
    raw: bytes  # JPEG, as a phone would upload it
    image_type: str
    truth: str | None  # None: the reference is read from `clean`
    clean: bytes | None = None  # the slide render itself (screens)
    control: bytes | None = None  # the same photo without the screen's grid: no moiré
    notes: str = ""


# --- whiteboards -------------------------------------------------------------------------------


def _font(
    rng: np.random.Generator, korean: bool, size: int
) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, str]:
    if not korean and rng.random() < 0.4:
        return ImageFont.load_default(size=size), "Pillow default"
    bold = rng.random() < 0.5
    path = NOTO / ("NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc")
    # index 1 of the collection is the Korean face
    return ImageFont.truetype(str(path), size, index=1), "Noto Sans CJK KR " + (
        "Bold" if bold else "Regular"
    )


def _streaks(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A dry marker's coverage, 0.25..1: streaks along the stroke (horizontal here)."""
    noise = rng.random(shape).astype(np.float32)
    streaks = cv2.GaussianBlur(noise, (0, 0), sigmaX=9, sigmaY=1.2)
    streaks = (streaks - streaks.mean()) / max(float(streaks.std()), 1e-6)
    return np.clip(0.7 + 0.35 * streaks, 0.25, 1.0)


def whiteboard(rng: np.random.Generator, index: int) -> Scene:
    width, height = BOARD
    tone = rng.uniform(200, 235)
    tint = rng.uniform(-6, 6, 3)
    surface = np.ones((height, width, 3), np.float32) * (tone + tint)
    korean = index % 2 == 1
    count = int(rng.integers(4, 7))
    lines: list[str] = []
    notes: list[str] = []
    y = int(rng.integers(60, 110))
    korean_lines, english_lines = iter(rng.permutation(KOREAN)), iter(rng.permutation(ENGLISH))
    for _ in range(count):
        text = str(next(korean_lines if korean and rng.random() < 0.7 else english_lines))
        size = int(rng.integers(40, 72))
        font, face = _font(rng, korean and any("\uac00" <= c <= "\ud7a3" for c in text), size)
        colour_name = str(rng.choice(list(MARKERS)))
        faint = rng.random() < 0.4
        dry = rng.random() < 0.35
        strength = rng.uniform(0.2, 0.4) if faint else rng.uniform(0.75, 0.95)
        mask = Image.new("L", (width, height), 0)
        x = int(rng.integers(60, 200))
        ImageDraw.Draw(mask).text((x, y), text, font=font, fill=255)
        alpha = np.asarray(mask, np.float32) / 255 * strength
        if dry:
            alpha *= _streaks(rng, (height, width))
        colour = np.array(MARKERS[colour_name], np.float32)
        surface = surface * (1 - alpha[..., None]) + colour * alpha[..., None]
        lines.append(text)
        notes.append(
            f"{colour_name}{' faint' if faint else ''}{' dry' if dry else ''} {face} {size}px"
        )
        y += int(size * rng.uniform(1.45, 1.8))
        if y > height - 90:
            break
    surface = _uneven_light(rng, surface)
    framed = _framed(surface, frame=int(rng.integers(18, 30)))
    photo = _on_wall(rng, framed, fill=rng.uniform(0.5, 0.75))
    image_type = "mixed-printed" if korean else "eng-printed"
    return Scene(
        f"board_{index + 1:02d}_{'kor' if korean else 'eng'}",
        "board",
        _jpeg(_camera(rng, photo)),
        image_type,
        "\n".join(lines),
        notes="; ".join(notes),
    )


def _uneven_light(rng: np.random.Generator, surface: np.ndarray) -> np.ndarray:
    """A gradient across the board (a lamp to one side) and a soft glare blob."""
    height, width = surface.shape[:2]
    ys, xs = np.mgrid[:height, :width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xs / width + np.sin(angle) * ys / height) + 1
    ramp = 1 - rng.uniform(0.25, 0.4) * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    sigma = rng.uniform(0.08, 0.16) * width
    glare = rng.uniform(60, 120) * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * sigma**2))
    return np.clip(surface * ramp[..., None] + glare[..., None], 0, 255)


def _framed(surface: np.ndarray, frame: int) -> np.ndarray:
    """The board in an aluminium frame."""
    height, width = surface.shape[:2]
    out = np.empty((height + 2 * frame, width + 2 * frame, 3), np.float32)
    out[:] = (165, 168, 172)
    out[frame - 4 : -frame + 4, frame - 4 : -frame + 4] = (110, 112, 116)
    out[frame:-frame, frame:-frame] = surface
    return out


def _on_wall(
    rng: np.random.Generator, picture: np.ndarray, fill: float, supersample: int = 1
) -> np.ndarray:
    """`picture` (float RGB) on a wall, seen in perspective: it spans `fill` of the photo's
    width, turned by a few degrees each way; `supersample` times the photo's size."""
    width, height = PHOTO[0] * supersample, PHOTO[1] * supersample
    base = np.array(rng.uniform([150, 140, 120], [200, 190, 175]), np.float32)
    fine_grain = rng.normal(0, 6, (PHOTO[1], PHOTO[0])).astype(np.float32)
    grain = cv2.resize(cv2.GaussianBlur(fine_grain, (0, 0), 2), (width, height))
    wall = np.clip(base + grain[..., None], 0, 255)
    ph, pw = picture.shape[:2]
    span = fill * width
    half_w, half_h = span / 2, span * ph / pw / 2
    centre = np.array([width / 2, height / 2]) + rng.uniform(-0.05, 0.05, 2) * [width, height]
    corners = np.array([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h]])
    # perspective: one side nearer the camera than the other, a small roll
    yaw, pitch = rng.uniform(-0.12, 0.12), rng.uniform(-0.08, 0.08)
    corners[:, 1] *= 1 + yaw * np.sign(corners[:, 0])
    corners[:, 0] *= 1 + pitch * np.sign(corners[:, 1])
    roll = np.radians(rng.uniform(-4, 4))
    turn = np.array([[np.cos(roll), -np.sin(roll)], [np.sin(roll), np.cos(roll)]])
    corners = corners @ turn.T + centre
    source = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], np.float32)
    homography = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    seen = cv2.warpPerspective(picture, homography, (width, height), flags=cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(
        np.ones((ph, pw), np.float32), homography, (width, height), flags=cv2.INTER_LINEAR
    )[..., None]
    return seen * inside + wall * (1 - inside)


def _camera(rng: np.random.Generator, photo: np.ndarray, blur: float = 0.8) -> np.ndarray:
    blurred = cv2.GaussianBlur(photo, (0, 0), blur)
    noisy = blurred + np.asarray(rng.normal(0, 3.0, blurred.shape), np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _jpeg(pixels: np.ndarray, quality: int = 90) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=quality)
    return out.getvalue()


# --- screens -----------------------------------------------------------------------------------


def shown_on_screen(slide: np.ndarray) -> np.ndarray:
    """The slide as a screen shows it up close: each pixel three subpixel columns (red, green,
    blue) over two rows of three, the third row the dark gap between pixel rows (float)."""
    height, width = slide.shape[:2]
    cells = np.zeros((height, 3, width, 3, 3), np.float32)
    for channel in range(3):
        cells[:, :2, :, channel, channel] = slide[:, None, :, channel]
    # each subpixel lights 2 of the cell's 9 parts: scaled so the cell's mean is the pixel's
    return cells.reshape(height * 3, width * 3, 3) * 4.5


def screen_photo(rng: np.random.Generator, slide: np.ndarray, grid: bool = True) -> np.ndarray:
    """The camera's sensor integrates the grid over its own pixels (supersampled twice, a
    light lens blur, then averaged 2x2): a grid about as fine as the sensor's beats into
    moiré, as it does in a real photo of a screen. Without `grid`, each pixel is lit whole
    (the control: the same photo with no moiré)."""
    if grid:
        texture = shown_on_screen(slide.astype(np.float32))
    else:
        texture = np.repeat(np.repeat(slide.astype(np.float32), 3, axis=0), 3, axis=1)
    bezel = int(0.025 * texture.shape[1])
    framed = np.zeros((texture.shape[0] + 2 * bezel, texture.shape[1] + 2 * bezel, 3), np.float32)
    framed[:] = (22, 22, 24)
    framed[bezel:-bezel, bezel:-bezel] = texture
    fine = _on_wall(rng, framed, fill=rng.uniform(0.72, 0.86), supersample=2)
    fine = cv2.GaussianBlur(fine, (0, 0), 0.8)
    photo = cv2.resize(fine, PHOTO, interpolation=cv2.INTER_AREA)
    del fine
    height, width = photo.shape[:2]
    ys, xs = np.mgrid[:height, :width].astype(np.float32)
    cx, cy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * height
    sigma = rng.uniform(0.06, 0.12) * width
    glare = rng.uniform(60, 110) * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * sigma**2))
    return _camera(rng, np.clip(photo + glare[..., None], 0, 255), blur=0.6)


def screens(rng: np.random.Generator) -> list[Scene]:
    root = SAMPLES / "slides"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    scenes = []
    for entry in manifest:
        clean = (root / entry["file"]).read_bytes()
        slide = np.asarray(Image.open(io.BytesIO(clean)).convert("RGB"))
        image_type = "kor-printed" if entry["language"] == "kor" else "eng-printed"
        name = "screen_" + entry["file"].removesuffix(".png")
        state = rng.bit_generator.state
        raw = _jpeg(screen_photo(rng, slide))
        same = np.random.default_rng()
        same.bit_generator.state = state  # the same angle, glare and noise
        control = _jpeg(screen_photo(same, slide, grid=False))
        scenes.append(Scene(name, "screen", raw, image_type, None, clean=clean, control=control))
    return scenes


# --- candidates --------------------------------------------------------------------------------

Enhance = Callable[[np.ndarray], np.ndarray]
Test = Callable[[np.ndarray], bool]


@dataclass(frozen=True)
class Candidate:
    name: str
    kind: str
    test: Test  # whether a found document is of the candidate's kind
    enhance: Enhance
    anywhere: bool = False  # also on a photo where no document was found


CANDIDATES = [
    Candidate("board: Zhang-He", "board", board.looks_like_board, board.whiten_zhang_he),
    Candidate("board: deepen", "board", board.looks_like_board, board.whiten_deepen),
    Candidate(
        "board: deepen, any photo", "board", board.looks_like_board, board.whiten_deepen, True
    ),
    Candidate("screen: Gaussian", "screen", screen.looks_like_screen, screen.descreen_gaussian),
    Candidate("screen: Gaussian 1.6", "screen", screen.looks_like_screen, screen.descreen_wide),
    Candidate("screen: median", "screen", screen.looks_like_screen, screen.descreen_median),
    Candidate("screen: notch", "screen", screen.looks_like_screen, screen.descreen_notch),
    Candidate("screen: CLAHE", "screen", screen.looks_like_screen, screen.even_glare),
]


def with_candidate(candidate: Candidate | None, forced: bool = False) -> Callable[..., Capture]:
    """The capture step, then the candidate on a document found of its kind (`forced`: on
    every document found, to measure the enhancement apart from its test)."""

    def step(photo: Image.Image, corners: Any = None) -> Capture:
        found = capture(photo, corners)
        if candidate is None or (found.corners is None and not candidate.anywhere):
            return found
        page = np.asarray(found.image.convert("RGB"))
        if not forced and not candidate.test(page):
            return found
        image = Image.fromarray(candidate.enhance(page))
        steps = (*found.steps, candidate.name)
        return Capture(image, found.corners, found.confidence, steps)

    return step


# --- reading -----------------------------------------------------------------------------------


def _load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", SAMPLES / "ocr/score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Bench:
    def __init__(self) -> None:
        self.reader = build_reader(OcrSettings())  # capture on: the service's default
        self.settings = OcrSettings()
        self.scorer = _load_scorer()
        self._texts: dict[tuple[str, str], str] = {}

    def read(
        self, raw: bytes, image_type: str, candidate: Candidate | None, forced: bool = False
    ) -> tuple[str, Capture]:
        """What the service reads with `candidate` in its capture step, and what the step made.
        A candidate that leaves the image as it is gets the reading already made."""
        step = with_candidate(candidate, forced)
        upright = load(
            raw,
            max_pixels=self.settings.max_image_pixels,
            read_pixels=self.settings.ocr_read_pixels,
        )
        made = step(upright.image)
        key = hashlib.sha256(np.asarray(made.image).tobytes()).hexdigest()
        cached = self._texts.get((key, image_type))
        if cached is not None:
            return cached, made
        reader_module.capture_document = step
        try:
            text = self.reader.read(raw, image_type).result.text
        finally:
            reader_module.capture_document = capture
        self._texts[(key, image_type)] = text
        return text, made

    def cer(self, text: str, truth: str) -> float:
        row = self.scorer.score_pair(text, truth)
        return row["edits"] / max(1, row["n"])


def run_kind(
    bench: Bench, scenes: list[Scene], kind: str, candidates: list[Candidate]
) -> dict[str, Any]:
    """Each candidate of `kind` applied to every document found (forced), and whether its
    test recognised the kind there: the CER it would get wired is the forced one where the
    test says yes, as is elsewhere."""
    candidates = [c for c in candidates if c.kind == kind]
    rows = []
    for scene in scenes:
        truth = scene.truth
        if truth is None:
            assert scene.clean is not None
            truth, _ = bench.read(scene.clean, scene.image_type, None)
        row: dict[str, Any] = {"image": scene.name, "truth_chars": len(truth), "notes": scene.notes}
        text, made = bench.read(scene.raw, scene.image_type, None)
        row["as is"] = bench.cer(text, truth)
        row["steps"] = ", ".join(made.steps) or "kept as it is"
        if scene.control is not None:
            text, _ = bench.read(scene.control, scene.image_type, None)
            row["no moiré (control)"] = bench.cer(text, truth)
        page = np.asarray(made.image.convert("RGB"))
        for candidate in candidates:
            text, _ = bench.read(scene.raw, scene.image_type, candidate, forced=True)
            row[candidate.name] = bench.cer(text, truth)
            row[candidate.name + " recognised"] = (
                made.corners is not None or candidate.anywhere
            ) and candidate.test(page)
        rows.append(row)
        print(
            scene.name,
            " ".join(f"{k}={v:.3f}" for k, v in row.items() if isinstance(v, float)),
            f"[{row['steps']}]",
            flush=True,
        )
    controls = ["no moiré (control)"] if kind == "screen" else []
    return {"rows": rows, "columns": ["as is", *controls, *(c.name for c in candidates)]}


def run_real(bench: Bench, folder: Path, candidates: list[Candidate]) -> dict[str, Any]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    rows = []
    totals: dict[str, list[int]] = {}
    for entry in manifest:
        raw = (folder / entry["file"]).read_bytes()
        truth = (folder / entry["truth_file"]).read_text(encoding="utf-8")
        image_type = IMAGE_TYPES[(entry["lang"], entry["style"])]
        row: dict[str, Any] = {"image": entry["file"]}
        for candidate in [None, *candidates]:
            name = "as is" if candidate is None else candidate.name
            text, made = bench.read(raw, image_type, candidate)
            score = bench.scorer.score_pair(text, truth)
            total = totals.setdefault(name, [0, 0])
            total[0] += score["edits"]
            total[1] += score["n"]
            row[name] = score["edits"] / max(1, score["n"])
            if candidate is not None:
                row[name + " applied"] = candidate.name in made.steps
        rows.append(row)
        print(entry["file"], " ".join(f"{k}={v}" for k, v in row.items() if k != "image"))
    overall = {name: edits / max(1, n) for name, (edits, n) in totals.items()}
    return {"rows": rows, "all": overall}


# --- time --------------------------------------------------------------------------------------


def _median_seconds(call: Callable[[], object]) -> float:
    times = []
    for _ in range(TIMING_RUNS):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def timings(scenes: list[Scene], candidates: list[Candidate]) -> dict[str, float]:
    """Each candidate's test and enhancement on a 12 MP page of its kind (the first scene of
    the kind, flattened by the capture step and scaled to 12 MP); and the whole capture step
    with each candidate on that scene's photo scaled to 12 MP."""
    out: dict[str, float] = {}
    for kind in ("board", "screen"):
        scene = next(s for s in scenes if s.kind == kind)
        photo = Image.open(io.BytesIO(scene.raw)).convert("RGB").resize(TWELVE_MP)
        page = np.asarray(capture(photo).image.convert("RGB"))
        scale = (TWELVE_MP[0] * TWELVE_MP[1] / (page.shape[0] * page.shape[1])) ** 0.5
        page = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        out[f"capture step as is, {kind} photo 12 MP"] = _median_seconds(partial(capture, photo))
        for candidate in (c for c in candidates if c.kind == kind):
            out[f"{candidate.name}: test, 12 MP page"] = _median_seconds(
                partial(candidate.test, page)
            )
            out[f"{candidate.name}: enhancement, 12 MP page"] = _median_seconds(
                partial(candidate.enhance, page)
            )
            out[f"capture step + {candidate.name}, {kind} photo 12 MP"] = _median_seconds(
                partial(with_candidate(candidate), photo)
            )
        print({k: round(v, 3) for k, v in out.items()}, flush=True)
    return out


# --- report ------------------------------------------------------------------------------------


def _table(result: dict[str, Any]) -> str:
    columns = result["columns"]
    lines = [
        "| image | " + " | ".join(columns) + " | steps as is |",
        "|---" * (len(columns) + 2) + "|",
    ]
    for row in result["rows"]:
        cells = []
        for column in columns:
            plain = column + " recognised" not in row or row[column + " recognised"]
            mark = "" if plain else " (not recognised)"
            cells.append(f"{row[column]:.3f}{mark}")
        lines.append(f"| {row['image']} | " + " | ".join(cells) + f" | {row['steps']} |")
    medians = [statistics.median(row[c] for row in result["rows"]) for c in columns]
    means = [statistics.fmean(row[c] for row in result["rows"]) for c in columns]
    lines.append("| **median** | " + " | ".join(f"**{m:.3f}**" for m in medians) + " | |")
    lines.append("| mean | " + " | ".join(f"{m:.3f}" for m in means) + " | |")
    gated = [
        statistics.median(
            row[c] if row.get(c + " recognised", True) else row["as is"] for row in result["rows"]
        )
        for c in columns
    ]
    lines.append(
        "| median, only where recognised | " + " | ".join(f"{m:.3f}" for m in gated) + " | |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=12)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--save", type=Path, help="write the synthetic photos here")
    parser.add_argument("--real", action="store_true", help="also the photo and scan sets")
    parser.add_argument("--no-time", action="store_true", help="leave the 12 MP timings out")
    parser.add_argument("--time-only", action="store_true", help="only the 12 MP timings")
    parser.add_argument("--only", choices=["board", "screen"])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--candidates", nargs="*", help="only those whose name has one of these")
    args = parser.parse_args(argv)
    candidates = [
        c for c in CANDIDATES if not args.candidates or any(k in c.name for k in args.candidates)
    ]
    rng = np.random.default_rng(args.seed)
    boards = [whiteboard(rng, index) for index in range(args.boards)]
    slides = screens(rng)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for scene in [*boards, *slides]:
            (args.save / f"{scene.name}.jpg").write_bytes(scene.raw)
            if scene.truth is not None:
                (args.save / f"{scene.name}.txt").write_text(scene.truth, encoding="utf-8")
    bench = Bench()
    report: dict[str, Any] = {}
    for kind, scenes in (("board", boards), ("screen", slides)):
        if args.time_only or (args.only and args.only != kind):
            continue
        report[kind] = run_kind(bench, scenes, kind, candidates)
        print(f"\n{kind}s (CER, each candidate forced on every document found)")
        print(_table(report[kind]), flush=True)
    if args.real:
        for folder in (SAMPLES / "photos", SAMPLES / "ocr"):
            report[folder.name] = run_real(bench, folder, candidates)
            print(folder.name, {k: round(v, 4) for k, v in report[folder.name]["all"].items()})
    if not args.no_time:
        report["seconds"] = timings([*boards, *slides], candidates)
        for name, seconds in report["seconds"].items():
            print(f"{name}: {seconds:.3f} s")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
