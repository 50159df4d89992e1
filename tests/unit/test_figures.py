"""Pictures on a page (ocr_service.layout.figures): which regions are figures, and which text
belongs to a figure (a screenshot's menus) rather than to the page (a table's cells)."""

from __future__ import annotations

import numpy as np

from jaryo_shared.ocr_result import Block, Line, LineStyle, Page
from ocr_service.layout.figures import figures, mark_figure_text

WIDTH, HEIGHT = 800, 450


def slide(*rectangles: tuple[int, int, int, int]) -> np.ndarray:
    pixels = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    for x0, y0, x1, y1 in rectangles:
        pixels[y0:y1, x0:x1] = (30, 90, 200)
    return pixels


def no_text() -> np.ndarray:
    return np.zeros((HEIGHT, WIDTH), np.uint8)


def test_a_picture_on_the_page_is_a_figure_and_a_rule_or_a_speck_is_not():
    picture, rule, speck = (500, 100, 700, 300), (40, 400, 760, 404), (100, 100, 104, 104)

    assert figures(slide(picture, rule, speck), no_text()) == [picture]


def test_text_strokes_are_not_figures():
    pixels = slide((100, 100, 300, 130))  # as dark as a line of text
    text = no_text()
    text[100:130, 100:300] = 255

    assert figures(pixels, text) == []


def test_an_icon_on_a_card_goes_with_the_card():
    card, icon = (100, 100, 300, 350), (180, 250, 220, 290)
    pixels = slide(card)
    pixels[icon[1] : icon[3], icon[0] : icon[2]] = (250, 250, 250)  # a hole: the icon's outline
    pixels[icon[1] + 5 : icon[3] - 5, icon[0] + 5 : icon[2] - 5] = (200, 30, 30)

    assert figures(pixels, no_text()) == [card]


def line(box, text, size, confidence=95.0) -> Line:
    style = LineStyle(color="#000000", background="#ffffff", bold=False, size=size)
    return Line(bbox=box, text=text, confidence=confidence, words=[], style=style)


def page(*lines: Line) -> Page:
    blocks = [Block(bbox=item.bbox, lines=[item]) for item in lines]
    return Page(text="", blocks=blocks)


def texts(found: Page) -> list[str]:
    """The lines drafts lay over as text: those not marked as a picture's print."""
    return [item.text for block in found.blocks for item in block.lines if not item.in_picture]


TITLE = line((0.05, 0.05, 0.6, 0.12), "New experience goals", 0.07)
BULLET = line((0.05, 0.2, 0.4, 0.26), "Up-to-date documentation", 0.05)
SCREENSHOT = (0.5, 0.3, 0.95, 0.8)


def test_a_screenshots_small_print_belongs_to_the_picture():
    menus = [
        line((0.52, 0.32 + 0.05 * n, 0.7, 0.34 + 0.05 * n), f"Menu {n}", 0.012) for n in range(4)
    ]

    kept = mark_figure_text(page(TITLE, BULLET, *menus), [SCREENSHOT])

    assert texts(kept) == ["New experience goals", "Up-to-date documentation"]
    # Still what the image says: kept in the result, only marked.
    assert [item.text for block in kept.blocks for item in block.lines][2:] == [
        f"Menu {n}" for n in range(4)
    ]


def test_a_tables_text_read_surely_at_the_pages_sizes_stays_text():
    cells = [line((0.52, 0.32 + 0.1 * n, 0.7, 0.36 + 0.1 * n), f"Cell {n}", 0.03) for n in range(4)]

    kept = mark_figure_text(page(TITLE, BULLET, *cells), [SCREENSHOT])

    assert texts(kept) == ["New experience goals", "Up-to-date documentation"] + [
        f"Cell {n}" for n in range(4)
    ]


def test_a_label_read_very_unsurely_in_a_diagram_is_the_diagrams():
    labels = [
        line((0.52, 0.32, 0.7, 0.36), "Service", 0.03),
        line((0.52, 0.42, 0.7, 0.46), "Characteristic", 0.03),
        line((0.52, 0.52, 0.6, 0.62), "6 : 668", 0.1, confidence=55.0),
    ]

    kept = mark_figure_text(page(TITLE, *labels), [SCREENSHOT])

    assert texts(kept) == ["New experience goals", "Service", "Characteristic"]


def test_unsure_text_outside_figures_is_kept():
    unsure = line((0.05, 0.5, 0.4, 0.56), "Handwritten note", 0.05, confidence=45.0)

    assert texts(mark_figure_text(page(TITLE, unsure), [SCREENSHOT])) == [
        "New experience goals",
        "Handwritten note",
    ]


def test_a_pictures_text_read_unsurely_as_a_whole_belongs_to_the_picture():
    # A photo's sign or a screenshot's headings: page-sized, each line read fairly (75), but
    # not the way the page's own text is read.
    signs = [
        line((0.52, 0.32 + 0.1 * n, 0.7, 0.36 + 0.1 * n), f"Sign {n}", 0.03, confidence=75.0)
        for n in range(3)
    ]

    kept = mark_figure_text(page(TITLE, BULLET, *signs), [SCREENSHOT])

    assert texts(kept) == ["New experience goals", "Up-to-date documentation"]
