"""The measures of `make draft-eval`, as pure functions over images, boxes and text: where an
image sits on the slide, how alike a render and its source look, how well lines keep their
place, and character error rates normalised as the OCR dev set's scorer does."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
from PIL import Image

from gateway.decks.drafts import image_area

SAMPLES = Path(__file__).resolve().parents[2] / "shared/samples"
SLIDE_ASPECT = 16 / 9
FRAME = (400, 225)  # the size both pictures are compared at
MATCHING_SIMILARITY = 0.5  # a render line of less similar text is not the source line
MIN_LINE_CHARACTERS = 2  # fewer letters or digits: noise read off a figure, not a line

Area = tuple[float, float, float, float]  # x, y, w, h in slide fractions
Box = tuple[float, float, float, float]  # left, top, right, bottom in slide fractions


@dataclass(frozen=True)
class Line:
    """A line of text as Tesseract found it, its box in slide fractions."""

    text: str
    box: Box


def fitted_area(width: int, height: int) -> Area:
    """Where a draft places an image of this size on the 16:9 slide (the drafts' own rule)."""
    return image_area(width, height)


def into_slide(box: Box, area: Area) -> Box:
    """A box in fractions of the image, in fractions of the slide the image is fitted into."""
    x, y, w, h = area
    left, top, right, bottom = box
    return x + left * w, y + top * h, x + right * w, y + bottom * h


def looks_like(render: Image.Image, source: Image.Image, area: Area) -> float:
    """Mean absolute grey-level difference (0-255) between the render and the source, both at
    400x225: the source fitted into `area` as the draft places it, compared over that area only
    (outside it the slide shows the template by design, so it would only dilute the mean)."""
    frame = np.asarray(_grey(render).resize(FRAME, Image.Resampling.BOX), dtype=np.int16)
    left, top, right, bottom = _pixels(area)
    fitted = _grey(source).resize((right - left, bottom - top), Image.Resampling.BOX)
    difference = frame[top:bottom, left:right] - np.asarray(fitted, dtype=np.int16)
    return float(np.abs(difference).mean())


def _pixels(area: Area) -> tuple[int, int, int, int]:
    """The area's rectangle in the 400x225 frame, at least one pixel each way."""
    x, y, w, h = area
    width, height = FRAME
    left, top = round(x * width), round(y * height)
    right = max(left + 1, min(width, round((x + w) * width)))
    bottom = max(top + 1, min(height, round((y + h) * height)))
    return left, top, right, bottom


def _grey(image: Image.Image) -> Image.Image:
    return on_white(image).convert("L")


def on_white(image: Image.Image) -> Image.Image:
    """RGB, transparent parts white (as the plainest template's white page shows them)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        page = Image.new("RGBA", image.size, "white")
        page.alpha_composite(image.convert("RGBA"))
        image = page
    return image.convert("RGB")


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when they do not overlap)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    overlap = width * height
    union = _area(a) + _area(b) - overlap
    return overlap / union if union > 0 else 0.0


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def similarity(a: str, b: str) -> float:
    """1 - normalised Levenshtein distance of the two texts, normalised as the scorer does and
    without spaces (Tesseract spaces Hangul erratically: "수 집 해 야" for "수집해야")."""
    a, b = normalize(a).replace(" ", ""), normalize(b).replace(" ", "")
    longest = max(len(a), len(b))
    return 1.0 if longest == 0 else 1 - levenshtein(a, b) / longest


def is_text_line(line: Line) -> bool:
    """A line worth placing: at least two letters or digits (Tesseract reads specks of
    figures and rules as one-character lines)."""
    return sum(c.isalnum() for c in line.text) >= MIN_LINE_CHARACTERS


def in_place(deck: list[str], source: list[Line], render: list[Line]) -> float | None:
    """Mean IoU of each line the deck holds: its box in the render against the same line's box
    in the image (each the line read there whose text is most like it, at least half alike).
    A deck line the render does not show counts 0; one that cannot be found in the image
    (a misreading, or text Tesseract cannot read on the image either) has no place to be
    measured against and is left out. None when no deck line can be found in the image."""
    placed = [
        _placed(match, render)
        for text in deck
        if sum(c.isalnum() for c in text) >= MIN_LINE_CHARACTERS
        and (match := _match(text, source)) is not None
    ]
    return sum(placed) / len(placed) if placed else None


def line_legibility(deck: list[str], render: list[Line]) -> float | None:
    """Character error rate of the deck's lines each against the render line most like it
    (spaces ignored; a line less than half like any render line counts all its characters):
    legibility without the reader's reading order. Doubled, clipped, overlapping or invisible
    lines raise it as they do the page's CER; a reader taking four cards row by row instead of
    card by card does not."""
    edits = characters = 0
    for text in deck:
        wanted = normalize(text).replace(" ", "")
        if sum(c.isalnum() for c in wanted) < MIN_LINE_CHARACTERS:
            continue
        found = [normalize(line.text).replace(" ", "") for line in render]
        best = min((levenshtein(wanted, other) for other in found), default=len(wanted))
        # A line less than half like anything on the render was not found: all of it is lost.
        edits += best if best <= (1 - MATCHING_SIMILARITY) * len(wanted) else len(wanted)
        characters += len(wanted)
    return edits / characters if characters else None


def _match(text: str, lines: list[Line]) -> Line | None:
    scored = [(similarity(text, line.text), line) for line in lines if is_text_line(line)]
    if not scored:
        return None
    best, line = max(scored, key=lambda pair: pair[0])
    return line if best >= MATCHING_SIMILARITY else None


def _placed(line: Line, render: list[Line]) -> float:
    match = _match(line.text, render)
    return iou(line.box, match.box) if match is not None else 0.0


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate of `hypothesis` against `reference`, both normalised as the OCR dev
    set's scorer does (edits / reference characters; an empty reference counts as one)."""
    reference = normalize(reference)
    return levenshtein(normalize(hypothesis), reference) / max(1, len(reference))


def normalize(text: str) -> str:
    return str(scorer().normalize(text))


def levenshtein(a: str, b: str) -> int:
    return int(scorer().levenshtein(a, b))


_scorer: ModuleType | None = None


def scorer() -> ModuleType:
    """The OCR dev set's scorer (samples/ocr/score.py unless `use_scorer` chose another)."""
    if _scorer is None:
        use_scorer(SAMPLES / "ocr/score.py")
    assert _scorer is not None
    return _scorer


def use_scorer(path: Path) -> None:
    """Load the scorer from its file, as ocr_service/evaluate.py does, so both tools normalise
    text the same way."""
    global _scorer
    spec = importlib.util.spec_from_file_location("ocr_dev_set_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _scorer = module
