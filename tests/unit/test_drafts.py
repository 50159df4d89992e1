"""Drafts from OCR results (gateway.decks.drafts, draft_text, contrast): which background a
request asks for, where the boxes go, and colours that show."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.decks.contrast import contrast, readable_on
from gateway.decks.drafts import draft_spec
from jaryo_shared.deck_spec import DeckFromUpload

IMAGE = {"_id": "img", "storage": {"status": "stored", "width": 1600, "height": 900}}


def request(**fields) -> DeckFromUpload:
    return DeckFromUpload(template_id="clean", title="t", from_upload="u", **fields)


@pytest.mark.parametrize(
    ("fields", "background"),
    [
        ({}, "clean"),
        ({"background": "template"}, "template"),
        ({"with_images": True}, "photo"),
        ({"with_images": False}, "template"),  # what an older client meant: no picture
        ({"with_images": False, "background": "clean"}, "clean"),
    ],
)
def test_the_background_asked_for(fields, background):
    assert request(**fields).chosen_background == background


def test_with_images_beside_another_background_is_refused():
    with pytest.raises(ValidationError, match="with_images"):
        request(with_images=True, background="template")


def line(bbox, text, *, size=0.05, color="#d2533c", bold=False, in_picture=False) -> dict:
    style = {"color": color, "background": "#ffffff", "bold": bold, "size": size}
    return {
        "bbox": bbox,
        "text": text,
        "confidence": 95.0,
        "words": [],
        "style": style,
        "in_picture": in_picture,
    }


def result(*blocks, clean=True, figures=()) -> dict:
    return {
        "status": "done",
        "blocks": list(blocks),
        "clean_background": clean,
        "figures": [{"bbox": f} for f in figures],
    }


def elements(req: DeckFromUpload, ocr: dict) -> list[dict]:
    spec = draft_spec(req, [IMAGE], {"img": ocr})
    return [element.model_dump(exclude_none=True) for element in spec.slides[0].elements]


PARAGRAPH = {
    "bbox": [0.1, 0.2, 0.6, 0.36],
    "lines": [
        line([0.1, 0.2, 0.6, 0.24], "First line of the paragraph", size=0.05),
        # 1.19 em further down, as the font sets it: one box
        line([0.1, 0.2595, 0.55, 0.2995], "second line", size=0.05),
    ],
    "align": "left",
}


def test_a_paragraph_set_at_the_fonts_pitch_is_one_box_where_its_ink_was():
    boxes = [e for e in elements(request(), result(PARAGRAPH)) if e["type"] == "text"]

    assert [box["text"] for box in boxes] == ["First line of the paragraph\nsecond line"]
    box = boxes[0]
    assert box["size"] == pytest.approx(0.05 * 540, abs=0.1)  # em of the image height, in pt
    # The text starts 0.1 in + 1.8 pt right of the box's edge: there, its ink started.
    assert box["x"] * 960 + 7.2 + 1.8 == pytest.approx(0.1 * 960, abs=0.5)
    assert box["y"] < 0.2 < box["y"] + box["h"]
    assert box["color"] == "#d2533c" and box["font"] == "Noto Sans CJK KR"


def test_lines_far_off_the_fonts_pitch_are_boxes_of_their_own():
    spread = dict(PARAGRAPH)
    spread["lines"] = [PARAGRAPH["lines"][0], line([0.1, 0.4, 0.55, 0.44], "far below")]

    texts = [e["text"] for e in elements(request(), result(spread)) if e["type"] == "text"]

    assert texts == ["First line of the paragraph", "far below"]


def test_each_background_puts_the_right_picture_behind_the_text():
    clean = elements(request(), result(PARAGRAPH))
    photo = elements(request(background="photo"), result(PARAGRAPH))
    old = elements(request(), result(PARAGRAPH, clean=False))
    figure = (0.65, 0.5, 0.95, 0.9)
    template = elements(request(background="template"), result(PARAGRAPH, figures=[figure]))

    assert clean[0]["type"] == "image" and clean[0]["variant"] == "clean" and clean[0]["w"] == 1
    assert photo[0]["variant"] == "original" and "crop" not in photo[0]
    assert old[0]["variant"] == "original"  # read before clean copies: the photo
    pictures = [e for e in template if e["type"] == "image"]
    assert len(pictures) == 1 and pictures[0]["crop"] == pytest.approx(
        {"x": 0.65, "y": 0.5, "w": 0.3, "h": 0.4}
    )
    assert (pictures[0]["x"], pictures[0]["w"]) == pytest.approx((0.65, 0.3))


def test_on_the_template_text_takes_a_colour_that_shows_on_its_page():
    pale = dict(PARAGRAPH)
    pale["lines"] = [line([0.1, 0.2, 0.6, 0.24], "pale grey on the photo", color="#dddddd")]

    box = next(
        e for e in elements(request(background="template"), result(pale)) if e["type"] == "text"
    )
    on_photo = next(e for e in elements(request(), result(pale)) if e["type"] == "text")

    assert contrast(box["color"], "#ffffff") >= 4.5  # the clean template's white page
    assert on_photo["color"] == "#dddddd"  # over the photo, the colour it had


def test_a_pictures_print_is_not_laid_over_as_text():
    screenshot = {
        "bbox": [0.6, 0.5, 0.9, 0.6],
        "lines": [line([0.6, 0.5, 0.9, 0.52], "File Edit View", size=0.01, in_picture=True)],
    }

    texts = [
        e["text"] for e in elements(request(), result(PARAGRAPH, screenshot)) if e["type"] == "text"
    ]

    assert "File Edit View" not in " ".join(texts)


def test_readable_on_keeps_a_colour_that_shows_and_replaces_one_that_does_not():
    assert readable_on("#ffffff", "#1f4e8c") == "#1f4e8c"
    assert readable_on("#ffffff", "#d2533c") == "#000000"  # 4.2:1 is not enough
    assert readable_on("#0f172a", "#1f2937", "#333333") == "#ffffff"
