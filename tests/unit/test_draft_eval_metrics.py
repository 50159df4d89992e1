"""The measures of `make draft-eval` (bench/draft_metrics.py, bench/draft_client.py), on tiny
synthetic images, boxes and texts: each must tell a faithful draft from an unfaithful one."""

from __future__ import annotations

import pytest
from PIL import Image

from bench import draft_metrics
from bench.draft_client import drawn_background, first_slide_text
from bench.draft_metrics import (
    Line,
    cer,
    fitted_area,
    in_place,
    into_slide,
    iou,
    line_legibility,
    looks_like,
    similarity,
)

# The text measures normalise with the OCR dev set's scorer, which lives beside the dev set.
needs_scorer = pytest.mark.skipif(
    not (draft_metrics.SAMPLES / "ocr/score.py").is_file(),
    reason="needs ../shared/samples/ocr/score.py (the OCR dev set's scorer)",
)

TOP = (0.1, 0.1, 0.5, 0.2)
BOTTOM = (0.1, 0.6, 0.5, 0.7)


def test_a_16_9_image_fills_the_slide():
    assert fitted_area(1600, 900) == pytest.approx((0, 0, 1, 1))


def test_a_4_3_image_is_centred_between_margins_left_and_right():
    assert fitted_area(800, 600) == pytest.approx((0.125, 0, 0.75, 1))


def test_a_wide_image_is_centred_between_margins_above_and_below():
    x, y, w, h = fitted_area(3200, 900)
    assert (x, w) == (0, 1)
    assert h == pytest.approx(0.5)
    assert y == pytest.approx(0.25)


def test_a_box_on_the_image_lands_where_the_image_sits_on_the_slide():
    area = fitted_area(800, 600)  # x from 0.125 to 0.875
    assert into_slide((0, 0, 1, 1), area) == pytest.approx((0.125, 0, 0.875, 1))
    assert into_slide((0.5, 0.5, 1, 1), area) == pytest.approx((0.5, 0.5, 0.875, 1))


def _halves(width: int, height: int, left: str, right: str) -> Image.Image:
    image = Image.new("L", (width, height), left)
    image.paste(right, (width // 2, 0, width, height))
    return image


def test_a_render_of_the_source_itself_looks_exactly_like_it():
    source = _halves(1600, 900, "white", "black")
    assert looks_like(source.copy(), source, fitted_area(1600, 900)) == 0


def test_a_render_in_inverted_grey_levels_differs_by_255():
    source = _halves(1600, 900, "white", "black")
    render = _halves(1600, 900, "black", "white")
    assert looks_like(render, source, fitted_area(1600, 900)) == pytest.approx(255)


def test_a_render_missing_half_the_picture_differs_by_half_of_255():
    source = _halves(1600, 900, "white", "black")
    render = Image.new("L", (1600, 900), "white")
    assert looks_like(render, source, fitted_area(1600, 900)) == pytest.approx(127.5, abs=1)


def test_the_template_beside_a_narrow_image_does_not_count():
    source = Image.new("RGB", (900, 900), "white")  # square: margins left and right
    render = Image.new("RGB", (1600, 900), "black")
    render.paste("white", (350, 0, 1250, 900))
    assert looks_like(render, source, fitted_area(900, 900)) == pytest.approx(0, abs=1)


def test_transparent_parts_of_the_source_count_as_the_white_page():
    source = Image.new("RGBA", (160, 90), (0, 0, 0, 0))
    render = Image.new("RGB", (1600, 900), "white")
    assert looks_like(render, source, fitted_area(160, 90)) == 0


def test_a_box_matches_itself_fully():
    assert iou(TOP, TOP) == pytest.approx(1)


def test_a_box_off_by_half_its_width_is_not_in_place():
    shifted = (0.3, 0.1, 0.7, 0.2)
    assert iou(TOP, shifted) == pytest.approx(1 / 3)
    assert iou(TOP, shifted) < 0.5


def test_boxes_apart_or_only_touching_do_not_overlap():
    assert iou(TOP, BOTTOM) == 0
    assert iou(TOP, (0.5, 0.1, 0.9, 0.2)) == 0


@needs_scorer
def texts(lines: list[Line]) -> list[str]:
    """The deck's lines, when it holds what was read."""
    return [line.text for line in lines]


@needs_scorer
def test_lines_drawn_where_they_were_are_in_place():
    source = [Line("Quarterly revenue grew", TOP), Line("Next steps for the team", BOTTOM)]
    assert in_place(texts(source), source, list(source)) == pytest.approx(1)


@needs_scorer
def test_two_lines_swapped_are_not_in_place():
    source = [Line("Quarterly revenue grew", TOP), Line("Next steps for the team", BOTTOM)]
    render = [Line("Quarterly revenue grew", BOTTOM), Line("Next steps for the team", TOP)]
    assert in_place(texts(source), source, render) == 0


@needs_scorer
def test_a_line_missing_from_the_render_counts_zero():
    source = [Line("Quarterly revenue grew", TOP), Line("Next steps for the team", BOTTOM)]
    assert in_place(texts(source), source, source[:1]) == pytest.approx(0.5)
    assert in_place(texts(source), source, []) == 0


@needs_scorer
def test_other_text_in_the_lines_place_is_no_match():
    source = [Line("Quarterly revenue grew", TOP)]
    assert in_place(texts(source), source, [Line("Customers asked for exports", TOP)]) == 0


@needs_scorer
def test_a_line_read_with_a_few_errors_still_matches():
    source = [Line("Quarterly revenue grew", TOP)]
    assert in_place(texts(source), source, [Line("Quarteriy revenue qrew", TOP)]) == pytest.approx(
        1
    )


@needs_scorer
def test_specks_read_off_a_figure_are_not_lines_to_place():
    source = [Line("Quarterly revenue grew", TOP), Line("|", BOTTOM), Line("~ .", BOTTOM)]
    assert in_place(texts(source), source, source[:1]) == pytest.approx(1)
    assert in_place(texts(source[1:]), source[1:], []) is None


@needs_scorer
def test_hangul_spaced_apart_by_tesseract_is_the_same_text():
    assert similarity("수 집 해 야 하 는 가", "수집해야 하는가") == 1


@needs_scorer
def test_text_read_back_as_written_has_no_errors():
    assert cer("“Quoted”  text\nover lines", '"Quoted" text over lines') == 0


@needs_scorer
def test_one_wrong_character_in_ten_is_a_cer_of_a_tenth():
    assert cer("abcdefghiX", "abcdefghij") == pytest.approx(0.1)


@needs_scorer
def test_text_drawn_twice_or_not_at_all_is_illegible():
    assert cer("", "abcdefghij") == 1
    assert cer("abcdefghij abcdefghij", "abcdefghij") >= 1


def _slide(*elements: dict) -> dict:
    return {"slides": [{"elements": list(elements)}]}


PHOTO = {"type": "image", "image_id": "i", "x": 0.125, "y": 0, "w": 0.75, "h": 1}
FIGURE = {"type": "image", "image_id": "i", "x": 0.5, "y": 0.5, "w": 0.3, "h": 0.3}


def _text(text: str) -> dict:
    return {"type": "text", "text": text, "x": 0, "y": 0, "w": 0.5, "h": 0.1}


def test_the_background_a_deck_has_is_told_by_its_fitted_image():
    assert drawn_background(_slide(PHOTO, _text("a"))) == "photo"
    assert drawn_background(_slide({**PHOTO, "variant": "clean"}, _text("a"))) == "clean"
    assert drawn_background(_slide(_text("a"))) == "template"


def test_a_figure_moved_out_of_the_image_is_not_a_background():
    assert drawn_background(_slide(FIGURE, _text("a"))) == "template"


def test_the_decks_text_is_its_text_elements_in_order():
    assert first_slide_text(_slide(_text("title"), PHOTO, _text("body"))) == "title\nbody"


@needs_scorer
def test_a_deck_line_the_image_does_not_hold_is_left_out_not_counted_zero():
    source = [Line("Quarterly revenue grew", TOP)]
    deck = ["Quarterly revenue grew", "zzqx wvvk jjhh"]  # the second: a misreading of a figure

    assert in_place(deck, source, list(source)) == pytest.approx(1)
    assert in_place(["zzqx wvvk jjhh"], source, list(source)) is None


@needs_scorer
def test_lines_read_back_in_another_order_are_legible_line_by_line():
    deck = ["Agility", "Continuous delivery", "Time to market"]
    render = [Line(text, TOP) for text in ("Time to market", "Agility", "Continuous delivery")]

    assert line_legibility(deck, render) == 0


@needs_scorer
def test_a_line_missing_or_garbled_on_the_render_is_not_legible():
    deck = ["Agility", "Continuous delivery"]

    assert line_legibility(deck, [Line("Agility", TOP)]) == pytest.approx(
        18 / 25
    )  # spaces do not count
    assert line_legibility(deck, []) == 1
    assert line_legibility(["• x"], []) is None  # nothing to read
