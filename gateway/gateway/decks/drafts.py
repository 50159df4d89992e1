"""A first draft of a deck from an upload's OCR result: one slide per read image, in upload
order, each run of text lines an editable text box where its ink was (draft_text), drawn over
the background the person chose:

- `clean` (the default): the image with its text removed, so figures, shapes and colours stay
  and the text is not drawn twice; text in the colour sampled from the image. An image read
  before clean backgrounds existed gets `photo`.
- `photo`: the image itself behind the text (`with_images` is its older name).
- `template`: the template, with the image's figures (OCR's `figures`) as pictures of their
  own the person can move; text in a colour that contrasts with the template's background
  (WCAG ≥ 4.5:1), the sampled one when it already does.

The image is fitted into the 16:9 slide keeping its proportions (centred), and the OCR boxes,
fractions of the image, are mapped into that area. For a photo the OCR read as a page it made
(flattened, lit: the result's `page`), the image is that page, of its proportions, and `photo`
shows the page (`variant: page`), not the photo on a desk.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from gateway.decks.contrast import readable_on
from gateway.decks.draft_text import text_boxes
from jaryo_shared.deck_spec import MAX_ELEMENTS, DeckFromUpload, DeckSpec
from jaryo_shared.templates import BUILTIN

SLIDE_ASPECT = 16 / 9
MAX_FIGURES = 12
PRIVATE_TEMPLATE_BACKGROUND = "#ffffff"  # a person's own template: assumed light
PRIVATE_TEMPLATE_TEXT = "#1f2937"


def draft_spec(
    request: DeckFromUpload, images: list[dict[str, Any]], results: dict[str, dict[str, Any]]
) -> DeckSpec:
    background = request.chosen_background
    colour_of = _colour_rule(background, request.template_id)
    slides = []
    for image in images:
        result = results.get(image["_id"]) or {}
        storage = image.get("storage", {})
        if result.get("status") != "done" or storage.get("status") != "stored":
            continue
        page = result.get("page") or {}
        area = image_area(
            page.get("width", storage["width"]), page.get("height", storage["height"])
        )
        elements = _background(background, image["_id"], result, area)
        elements += _texts(result.get("blocks", []), area, colour_of, MAX_ELEMENTS - len(elements))
        slides.append({"layout": "blank", "elements": elements})
    if not slides:
        slides.append({"layout": "blank", "elements": []})
    return DeckSpec.model_validate(
        {"template_id": request.template_id, "title": request.title, "slides": slides}
    )


def _background(
    mode: str, image_id: str, result: dict[str, Any], area: tuple[float, float, float, float]
) -> list[dict[str, Any]]:
    if mode == "template":
        return _figures(image_id, result, area)
    variant = "clean" if mode == "clean" and result.get("clean_background") else _as_read(result)
    x, y, w, h = area
    return [
        {"type": "image", "image_id": image_id, "variant": variant, "x": x, "y": y, "w": w, "h": h}
    ]


def _figures(
    image_id: str, result: dict[str, Any], area: tuple[float, float, float, float]
) -> list[dict[str, Any]]:
    """On the template alone, the image's pictures as pictures of their own, where they were,
    cut from its text-free copy when there is one (a table's grid without its text)."""
    variant = "clean" if result.get("clean_background") else _as_read(result)
    ax, ay, aw, ah = area
    pictures = []
    for figure in (result.get("figures") or [])[:MAX_FIGURES]:
        x0, y0, x1, y1 = figure["bbox"]
        if x1 <= x0 or y1 <= y0:
            continue
        crop = {"x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0}
        place = {"x": ax + x0 * aw, "y": ay + y0 * ah, "w": (x1 - x0) * aw, "h": (y1 - y0) * ah}
        pictures.append(
            {"type": "image", "image_id": image_id, "variant": variant, "crop": crop, **place}
        )
    return pictures


def _as_read(result: dict[str, Any]) -> str:
    """The image as its text was read: the page made of a photo, or the photo itself."""
    return "page" if result.get("page") else "original"


def _colour_rule(mode: str, template_id: str) -> Callable[[str | None, str | None], str | None]:
    """How a line's sampled colour becomes its box's colour."""
    if mode != "template":
        return lambda sampled, _around: sampled
    template = BUILTIN.get(template_id)
    page = f"#{template.background}".lower() if template else PRIVATE_TEMPLATE_BACKGROUND
    text = f"#{template.text}".lower() if template else PRIVATE_TEMPLATE_TEXT
    return lambda sampled, _around: readable_on(page, *([sampled] if sampled else []), text)


def _texts(
    blocks: list[dict[str, Any]],
    area: tuple[float, float, float, float],
    colour_of: Callable[[str | None, str | None], str | None],
    room: int,
) -> list[dict[str, Any]]:
    """The text boxes of every block; if they are more than the slide holds, one per block,
    runs of neighbouring blocks (reading order) joined."""
    boxes = [box for block in blocks for box in text_boxes(block, area, colour_of)]
    if len(boxes) <= room:
        return boxes
    merged = [box for block in _merged(blocks, room) for box in _one_box(block, area, colour_of)]
    return merged[:room]


def _one_box(
    block: dict[str, Any],
    area: tuple[float, float, float, float],
    colour_of: Callable[[str | None, str | None], str | None],
) -> list[dict[str, Any]]:
    """The block as a single box: its first box, given all the block's text."""
    boxes = text_boxes(block, area, colour_of)
    if not boxes:
        return []
    first = dict(boxes[0])
    first["text"] = "\n".join(box["text"] for box in boxes)
    return [first]


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


def image_area(width: int, height: int) -> tuple[float, float, float, float]:
    """Where the image sits on the slide, as slide fractions (x, y, w, h)."""
    aspect = width / height
    if aspect >= SLIDE_ASPECT:
        h = SLIDE_ASPECT / aspect
        return 0.0, (1 - h) / 2, 1.0, h
    w = aspect / SLIDE_ASPECT
    return (1 - w) / 2, 0.0, w, 1.0
