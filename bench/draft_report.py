"""The measures of `make draft-eval` as markdown tables: one row per image and background mode,
then the median and mean of each measure per set of images and mode."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

MEASURES = ("legible", "source_legible", "line_legible", "looks_like", "in_place", "truth_cer")
HEADINGS = {
    "legible": "legible (CER)",
    "line_legible": "legible by line",
    "source_legible": "same reader on the source",
    "looks_like": "looks like (0-255)",
    "in_place": "in place (IoU)",
    "truth_cer": "CER vs truth",
}


@dataclass
class Result:
    """One image drafted with one background mode, and how faithful the draft is."""

    set: str
    image: str
    mode: str
    drawn: str | None = None  # the background the deck has (None: not drafted)
    legible: float | None = None  # Tesseract on the render vs the deck's text
    # The same reading of the source image vs the deck's text: the floor the reader sets (a
    # slide it cannot read, a reading order it takes differently), whatever the draft does.
    source_legible: float | None = None
    line_legible: float | None = None  # each deck line against its render line (no order)
    looks_like: float | None = None  # grey-level difference render vs source
    in_place: float | None = None  # mean IoU of the deck's lines in the render and the image
    truth_cer: float | None = None  # the deck's text vs the ground truth (samples/ocr)
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)  # texts and lines, for --json

    def measure(self, name: str) -> float | None:
        value = getattr(self, name)
        return None if value is None else float(value)


def per_image(results: list[Result]) -> str:
    header = ["image", "mode", "drawn", *(HEADINGS[m] for m in MEASURES), "note"]
    rows = [
        [r.image, r.mode, r.drawn or "-", *(_cell(m, r.measure(m)) for m in MEASURES), r.note]
        for r in results
    ]
    return _table(header, rows, numeric_from=3)


def summary(results: list[Result]) -> str:
    """Median and mean of each measure per set and mode, over the images that have it."""
    header = ["set", "mode", "images"]
    for measure in MEASURES:
        header += [f"{HEADINGS[measure]} median", "mean"]
    rows = []
    for group in _groups(results):
        first = group[0]
        row = [first.set, first.mode, str(sum(r.drawn is not None for r in group))]
        for measure in MEASURES:
            values = [v for v in (r.measure(measure) for r in group) if v is not None]
            row += _median_and_mean(measure, values)
        rows.append(row)
    return _table(header, rows, numeric_from=2)


def _groups(results: list[Result]) -> list[list[Result]]:
    groups: dict[tuple[str, str], list[Result]] = {}
    for result in results:
        groups.setdefault((result.set, result.mode), []).append(result)
    return list(groups.values())


def _median_and_mean(measure: str, values: list[float]) -> list[str]:
    if not values:
        return ["-", "-"]
    return [_cell(measure, statistics.median(values)), _cell(measure, statistics.fmean(values))]


def _cell(measure: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if measure == "looks_like" else f"{value:.3f}"


def _table(header: list[str], rows: list[list[str]], numeric_from: int) -> str:
    align = ["---" if n < numeric_from else "---:" for n in range(len(header))]
    align[-1] = "---" if header[-1] == "note" else align[-1]
    lines = [header, align, *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)
