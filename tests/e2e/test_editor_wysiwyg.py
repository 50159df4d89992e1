"""What the person sees is what PowerPoint gets: the editor's canvas and LibreOffice's render of
the built deck (the deck service's preview) put every text box's ink at the same place, within
1 % of the slide's width. Each box has a colour of its own, so its ink is found in both pictures.
A cropped picture shows the same part of its image in both (an image of four coloured quarters).

A line's width is not compared: LibreOffice adds about 0.22 em between Hangul and Latin letters
or digits (its Asian/Latin autospacing), which the canvas does not, so mixed lines run wider in
its render; the edge a box's alignment holds does not move for it."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.editor_support import open_editor, registered, stored_image
from tests.helpers import wait_until

# The deck service builds the deck (and LibreOffice its preview) in this test's namespace.
from tests.integration.conftest import deck_worker  # noqa: F401
from tests.quarters import GREEN, YELLOW, Box, colours_in, halves, quartered_png

pytestmark = pytest.mark.integration

TOLERANCE = 0.01  # of the slide's width
SLIDE_RATIO = 9 / 16  # heights are compared in slide widths
BOXES = [
    # colour, box, size, alignment, text
    ((230, 0, 0), (0.1, 0.08, 0.5, 0.2), 40, "left", "자료 Jaryo 제목"),
    ((0, 150, 0), (0.2, 0.4, 0.6, 0.25), 24, "center", "가운데 centred\n두 줄 two lines"),
    ((0, 0, 230), (0.55, 0.75, 0.4, 0.2), 18, "right", "오른쪽 right"),
]


RIGHT_HALF: Box = (0.3, 0.1, 0.4, 0.8)  # where the cropped picture sits on the slide


def _spec() -> dict:
    elements = [
        {
            "type": "text",
            "text": text,
            "x": x,
            "y": y,
            "w": w,
            "h": h,
            "size": size,
            "align": align,
            "color": "#{:02X}{:02X}{:02X}".format(*colour),
        }
        for colour, (x, y, w, h), size, align, text in BOXES
    ]
    slides = [{"layout": "blank", "elements": elements}]
    return {"template_id": "clean", "title": "WYSIWYG", "slides": slides}


def _ink(picture: Image.Image, colour: tuple[int, int, int]) -> tuple[float, float, float, float]:
    """The box around the pixels drawn in `colour` (their cores: anti-aliased edges blend into
    other colours), as fractions of the picture's width (left, right) and height (top, bottom)."""
    rgb = picture.convert("RGB")
    target = max(range(3), key=lambda c: colour[c])
    mask = Image.new("1", rgb.size)
    mask.putdata(
        [
            pixel[target] > 180 and all(pixel[c] < 100 for c in range(3) if c != target)
            for pixel in rgb.get_flattened_data()
        ]
    )
    found = mask.getbbox()
    assert found, f"no ink of {colour}"
    left, top, right, bottom = found
    width, height = rgb.size
    return left / width, top / height, right / width, bottom / height


def _placement(ink: tuple[float, float, float, float], align: str) -> dict[str, float]:
    """Where a box's text sits, in slide widths: its first line's top, its last line's bottom
    (so line spacing counts), and the edge its alignment holds (the middle when centred)."""
    left, top, right, bottom = ink
    anchor = {"left": left, "center": (left + right) / 2, "right": right}[align]
    return {"top": top * SLIDE_RATIO, "bottom": bottom * SLIDE_RATIO, align: anchor}


def _rendered(person, spec: dict) -> tuple[str, Image.Image]:
    """The deck built from the spec, and LibreOffice's render of its first slide."""
    deck_id = person.new_deck(spec)
    built = json.loads(person.call("GET", f"/v1/decks/{deck_id}?wait=60").data)
    assert built["status"] == "completed", built

    def previews_settled() -> dict | None:  # they follow the deck
        deck = json.loads(person.call("GET", f"/v1/decks/{deck_id}").data)
        return None if deck["previews_status"] == "pending" else deck

    built = wait_until(previews_settled, timeout=120, interval=0.3)
    if built.get("previews") == "unavailable":
        pytest.skip("LibreOffice is not installed: no render to compare with")
    preview = person.call("GET", f"/v1/decks/{deck_id}/previews/1")
    assert preview.status == 200
    return deck_id, Image.open(io.BytesIO(preview.data))


def _canvas(page) -> Image.Image:
    shot = page.locator(".slide-canvas canvas").first.screenshot()
    return Image.open(io.BytesIO(shot))


def _picture_drawn(page, box: Box) -> Image.Image | None:
    """The canvas once a picture shows in the box: the pictures arrive after the canvas is
    drawn, and the placeholder is grey until then."""
    shot = _canvas(page)
    return shot if colours_in(shot, box) else None


@pytest.mark.usefixtures("deck_worker")
def test_the_canvas_and_the_built_deck_place_text_alike(browser, served, tmp_path):
    person = registered(served)
    deck_id, rendered = _rendered(person, _spec())
    rendered.save(tmp_path / "libreoffice.png")

    page = browser.new_page(locale="en-US", viewport={"width": 1600, "height": 1000})
    open_editor(page, person, deck_id)
    expect(page.get_by_role("button", name="Text:")).to_have_count(3)
    page.wait_for_function("document.fonts.status === 'loaded'")
    canvas = page.locator(".slide-canvas canvas").first
    canvas.screenshot(path=tmp_path / "canvas.png")
    drawn = Image.open(tmp_path / "canvas.png")
    page.close()

    for colour, _, _, align, _ in BOXES:
        mine = _placement(_ink(drawn, colour), align)
        theirs = _placement(_ink(rendered, colour), align)
        for edge in mine:
            assert abs(mine[edge] - theirs[edge]) <= TOLERANCE, (colour, edge, mine, theirs)


@pytest.mark.usefixtures("deck_worker", "storage_worker")
def test_the_canvas_and_the_built_deck_show_the_same_part_of_a_cropped_picture(browser, served):
    person = registered(served)
    _, image_id = stored_image(person, quartered_png(320, 180))
    x, y, w, h = RIGHT_HALF
    picture = {"type": "image", "image_id": image_id, "x": x, "y": y, "w": w, "h": h}
    crop = {"x": 0.5, "y": 0, "w": 0.5, "h": 1}  # the image's right half: green over yellow
    slides = [{"layout": "blank", "elements": [{**picture, "crop": crop}]}]
    spec = {"template_id": "clean", "title": "Crop", "slides": slides}
    deck_id, rendered = _rendered(person, spec)
    page = browser.new_page(locale="en-US", viewport={"width": 1600, "height": 1000})

    open_editor(page, person, deck_id)

    top, bottom = halves(RIGHT_HALF)
    drawn = wait_until(lambda: _picture_drawn(page, top))
    page.close()
    for picture_seen in (rendered, drawn):
        assert colours_in(picture_seen, top) == {GREEN}
        assert colours_in(picture_seen, bottom) == {YELLOW}
