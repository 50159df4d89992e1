"""A first draft of a deck from an upload's OCR result: one slide per read image, in upload
order, each text block an editable text box at its detected position, its font size taken from
the detected line height; with `with_images` the image itself sits behind the text.

The image is fitted into the 16:9 slide keeping its proportions (centred), and the OCR boxes,
fractions of the image, are mapped into that area, so text lands where it was on the image.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from jaryo_shared.deck_spec import (
    MAX_ELEMENTS,
    MAX_TEXT,
    DeckFromUpload,
    DeckSpec,
    without_xml_forbidden,
)

SLIDE_ASPECT = 16 / 9
SLIDE_HEIGHT_POINTS = 540  # 7.5 in
TEXT_HEIGHT_OF_LINE = 0.72  # a font's size is about this share of the line box it fills
MIN_SIZE, MAX_SIZE = 8.0, 96.0


def draft_spec(
    request: DeckFromUpload, images: list[dict[str, Any]], results: dict[str, dict[str, Any]]
) -> DeckSpec:
    slides = []
    for image in images:
        result = results.get(image["_id"]) or {}
        storage = image.get("storage", {})
        if result.get("status") != "done" or storage.get("status") != "stored":
            continue
        area = _fit(storage["width"], storage["height"])
        elements: list[dict[str, Any]] = []
        if request.with_images:
            x, y, w, h = area
            elements.append(
                {"type": "image", "image_id": image["_id"], "x": x, "y": y, "w": w, "h": h}
            )
        room = MAX_ELEMENTS - len(elements)
        elements += [_text_box(block, area) for block in _merged(result.get("blocks", []), room)]
        slides.append({"layout": "blank", "elements": elements})
    if not slides:
        slides.append({"layout": "blank", "elements": []})
    return DeckSpec.model_validate(
        {"template_id": request.template_id, "title": request.title, "slides": slides}
    )


def _merged(blocks: list[dict[str, Any]], most: int) -> list[dict[str, Any]]:
    """At most `most` blocks: runs of neighbouring blocks (reading order) become one."""
    if len(blocks) <= most:
        return blocks
    per = math.ceil(len(blocks) / most)
    merged = []
    for start in range(0, len(blocks), per):
        run = blocks[start : start + per]
        boxes = [block["bbox"] for block in run]
        merged.append(
            {
                "bbox": [
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[2] for b in boxes),
                    max(b[3] for b in boxes),
                ],
                "lines": [line for block in run for line in block["lines"]],
            }
        )
    return merged


def _fit(width: int, height: int) -> tuple[float, float, float, float]:
    """Where the image sits on the slide, as slide fractions (x, y, w, h)."""
    aspect = width / height
    if aspect >= SLIDE_ASPECT:
        h = SLIDE_ASPECT / aspect
        return 0.0, (1 - h) / 2, 1.0, h
    w = aspect / SLIDE_ASPECT
    return (1 - w) / 2, 0.0, w, 1.0


def _text_box(block: dict[str, Any], area: tuple[float, float, float, float]) -> dict[str, Any]:
    ax, ay, aw, ah = area
    x0, y0, x1, y1 = block["bbox"]
    # Kept inside the slide however the boxes came back (an element must fit in it).
    x, y = min(max(ax + x0 * aw, 0.0), 0.99), min(max(ay + y0 * ah, 0.0), 0.99)
    w = max(0.01, min((x1 - x0) * aw, 1 - x))
    h = max(0.01, min((y1 - y0) * ah, 1 - y))
    heights = [line["bbox"][3] - line["bbox"][1] for line in block["lines"]] or [y1 - y0]
    points = statistics.median(heights) * ah * SLIDE_HEIGHT_POINTS * TEXT_HEIGHT_OF_LINE
    text = without_xml_forbidden("\n".join(line["text"] for line in block["lines"]))
    return {
        "type": "text",
        "text": text[:MAX_TEXT],
        "x": round(x, 5),
        "y": round(y, 5),
        "w": round(w, 5),
        "h": round(h, 5),
        "size": round(min(MAX_SIZE, max(MIN_SIZE, points)), 1),
    }
