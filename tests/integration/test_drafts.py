"""Drafts that look like the photo (issue 15), over the real servers: a two-column Korean slide
is read region by region and drafted with each background; the .pptx holds the boxes where
the text was, in reading order, in colours that show, over the background asked for."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat
from pptx import Presentation

from gateway.decks.contrast import contrast
from tests.integration.deck_previews import with_previews

pytestmark = pytest.mark.integration

SLIDE_FILE = (
    Path(__file__).resolve().parents[1] / "fixtures/slides/slide_02_openchain_two_column_kor.png"
)
PICTURE = 13  # MSO_SHAPE_TYPE.PICTURE
INSET = 91440  # a text box's left inset in EMU (0.1 in)


def _read_slide(client, user) -> tuple[dict, dict]:
    response = client.post(
        "/v1/uploads",
        data={
            "image0": (io.BytesIO(SLIDE_FILE.read_bytes()), "slide.png"),
            "image_type": "kor-printed",
        },
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    upload_id = response.get_json()["upload_id"]
    upload = _waited(client, user, f"/v1/uploads/{upload_id}")
    assert upload["status"] == "completed", upload
    return upload, upload["images"][0]


def _draft(client, user, upload_id: str, **background) -> tuple[dict, Presentation]:
    body = {"template_id": "clean", "title": "초안", "from_upload": upload_id, **background}
    response = client.post("/v1/decks", json=body, headers=user.auth)
    assert response.status_code == 202, response.get_json()
    deck = _waited(client, user, response.headers["Location"])
    assert deck["status"] == "completed", deck
    deck = with_previews(client, user, response.headers["Location"])
    data = client.get(deck["links"]["file"], headers=user.auth).data
    return deck, Presentation(io.BytesIO(data))


def _waited(client, user, location: str) -> dict:
    """The resource once settled: reading a slide region by region on a loaded machine can take
    longer than one wait (60 s at most)."""
    for _ in range(3):
        found = client.get(f"{location}?wait=60", headers=user.auth).get_json()
        if found["status"] not in ("processing", "queued", "building"):
            break
    return found


def _lines(image: dict) -> list[dict]:
    return [line for block in image["ocr"]["blocks"] for line in block["lines"]]


def test_a_two_column_slide_is_read_in_columns_in_reading_order_with_styles(
    client, make_user, workers
):
    user = make_user()
    _, image = _read_slide(client, user)
    ocr = image["ocr"]
    blocks = ocr["blocks"]
    assert len(blocks) >= 4, [b["lines"][0]["text"] for b in blocks]
    # The title comes first, in the slide's orange-red, not in black.
    title = blocks[0]["lines"][0]
    assert "정보" in title["text"], title["text"]
    red, green, blue = (int(title["style"]["color"][i : i + 2], 16) for i in (1, 3, 5))
    assert red > 150 and red > green + 60 and red > blue + 60, title["style"]
    # Below the lead paragraph (which spans the slide) the bullets stand in two boxed columns
    # with the gutter at the middle: no line runs across it ...
    columns = [block for block in blocks if block["bbox"][1] > 0.4]
    body = [line for block in columns for line in block["lines"]]
    assert len(body) >= 8
    assert not [line["text"] for line in body if line["bbox"][0] < 0.45 < 0.55 < line["bbox"][2]]
    # ... and the left column is read before the right one.
    sides = ["left" if block["bbox"][2] < 0.5 else "right" for block in columns]
    assert "right" in sides and "left" in sides
    assert sides.index("right") > max(i for i, side in enumerate(sides) if side == "left"), sides
    # Every line has a measured style, and a copy of the slide without its text was kept.
    assert all(line["style"] and line["style"]["size"] > 0 for line in _lines(image))
    assert ocr["clean_background"] is True
    clean = client.get(image["links"]["background"], headers=user.auth)
    assert clean.status_code == 200 and clean.mimetype == "image/png"


def test_each_background_drafts_the_text_in_place_in_colours_that_show(
    client, make_user, workers, deck_worker
):
    user = make_user()
    upload, image = _read_slide(client, user)
    original = client.get(image["links"]["original"], headers=user.auth).data
    clean = client.get(image["links"]["background"], headers=user.auth).data
    read_text = [line["text"] for line in _lines(image)]

    for background, expected in (("clean", clean), ("photo", original), ("template", None)):
        deck, pptx = _draft(client, user, upload["upload_id"], background=background)
        slide = pptx.slides[0]
        width = pptx.slide_width
        pictures = [shape for shape in slide.shapes if shape.shape_type == PICTURE]
        boxes = [shape for shape in slide.shapes if shape.has_text_frame]
        drafted = [p.text for box in boxes for p in box.text_frame.paragraphs]
        assert drafted == read_text, background  # every line, in reading order
        if expected is not None:
            # The whole image behind the text, first (behind), in the variant asked for.
            assert slide.shapes[0] == pictures[0] and pictures[0].width == width
            assert pictures[0].image.blob == expected, background
        else:
            # Figures cut out of the slide may be there, but not the whole slide behind the text.
            area = width * pptx.slide_height
            assert all(picture.width * picture.height < 0.5 * area for picture in pictures)
        _assert_in_place(boxes, image, width, pptx.slide_height)
        colours = [str(box.text_frame.paragraphs[0].runs[0].font.color.rgb) for box in boxes]
        if background == "template":  # the clean template's white page: all must show on it
            assert all(contrast(f"#{c}", "#ffffff") >= 4.5 for c in colours), colours
        else:  # the colours sampled from the slide, the title's orange-red among them
            assert colours[0].lower() == image["ocr"]["blocks"][0]["lines"][0]["style"]["color"][1:]
        _assert_preview_looks_like_the_slide(client, user, deck, background)


def _assert_in_place(boxes, image, width, height) -> None:
    """Each box's first line starts where its ink started on the image (the slide is 16:9 like
    the image, so image fractions are slide fractions), within 1 % of the slide."""
    starts = {line["text"]: line["bbox"] for line in _lines(image)}
    for box in boxes:
        first = box.text_frame.paragraphs[0].text
        x0, y0, _, _ = starts[first]
        if box.text_frame.paragraphs[0].alignment is None or str(
            box.text_frame.paragraphs[0].alignment
        ).startswith("LEFT"):
            assert abs(box.left + INSET - x0 * width) <= 0.01 * width, first
        assert box.top <= y0 * height <= box.top + box.height, first


def _assert_preview_looks_like_the_slide(client, user, deck, background) -> None:
    """What a person sees: LibreOffice's render of the draft against the slide, in grey levels
    at 400x225 (0-255 mean difference). The photo-based drafts look like the slide."""
    preview = client.get(deck["previews"][0], headers=user.auth)
    assert preview.status_code == 200
    seen = Image.open(io.BytesIO(preview.data)).convert("L").resize((400, 225))
    source = Image.open(SLIDE_FILE).convert("L").resize((400, 225))
    difference = ImageStat.Stat(ImageChops.difference(seen, source)).mean[0]
    if background in ("clean", "photo"):
        assert difference <= 12, (background, difference)
