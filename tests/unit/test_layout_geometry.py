"""The layout geometry of the region-by-region OCR (ocr_service.layout.geometry): which detector
pieces make one line, which lines make one block, the order a person reads the blocks in, and a
block's alignment. Boxes are (x0, y0, x1, y1) pixels, named so a failure says which text moved."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from ocr_service.layout.geometry import (
    Box,
    alignment,
    group_blocks,
    join_rows,
    reading_order,
    union,
)

TALL = 30  # the body lines' height in pixels
PITCH = 45  # from one body line's top to the next: a paragraph's line spacing


def lines_of(x0: int, x1: int, top: int, count: int, tall: int = TALL) -> list[Box]:
    """`count` lines of a paragraph from `x0` to `x1`, the first one starting at `top`."""
    pitch = round(PITCH * tall / TALL)
    return [(x0, top + i * pitch, x1, top + i * pitch + tall) for i in range(count)]


def named(**groups: list[Box]) -> dict[Box, str]:
    """Each box labelled "<group><number>", e.g. left0, left1."""
    return {box: f"{name}{i}" for name, boxes in groups.items() for i, box in enumerate(boxes)}


def read_as_pipeline(labels: Mapping[Box, str]) -> list[list[str]]:
    """The blocks as the region engine reads them: pieces joined into lines, lines grouped into
    blocks, blocks in reading order; each block its lines' labels, top to bottom."""
    lines = join_rows(list(labels))
    blocks = group_blocks(lines)
    order = reading_order([union(block) for block in blocks])
    return [[labels[line] for line in blocks[index]] for index in order]


# Reading order


def test_two_columns_of_lines_are_two_blocks_and_the_left_one_is_read_first():
    labels = named(right=lines_of(520, 900, 100, 4), left=lines_of(60, 440, 100, 4))

    assert read_as_pipeline(labels) == [
        ["left0", "left1", "left2", "left3"],
        ["right0", "right1", "right2", "right3"],
    ]


def test_a_title_across_the_top_is_read_before_both_columns():
    labels = named(
        right=lines_of(520, 900, 150, 3),
        left=lines_of(60, 440, 150, 3),
        title=[(200, 30, 760, 90)],
    )

    assert read_as_pipeline(labels) == [
        ["title0"],
        ["left0", "left1", "left2"],
        ["right0", "right1", "right2"],
    ]


def test_a_title_on_the_left_above_two_columns_is_read_first():
    labels = named(
        right=lines_of(520, 900, 150, 3),
        left=lines_of(60, 440, 150, 3),
        title=[(60, 30, 340, 90)],
    )

    assert read_as_pipeline(labels) == [
        ["title0"],
        ["left0", "left1", "left2"],
        ["right0", "right1", "right2"],
    ]


def table(columns: list[tuple[int, int]], rows: int, row_pitch: int) -> dict[Box, str]:
    """One-line cells labelled "r<row>c<column>", rows `row_pitch` apart."""
    return {
        (x0, 100 + row * row_pitch, x1, 100 + row * row_pitch + TALL): f"r{row}c{column}"
        for row in range(rows)
        for column, (x0, x1) in enumerate(columns)
    }


def test_table_cells_with_rows_further_apart_than_the_gutter_are_read_row_by_row():
    # Two columns 40 px apart, rows 80 px apart.
    labels = table([(60, 300), (340, 700)], rows=4, row_pitch=110)

    assert read_as_pipeline(labels) == [
        [f"r{row}c{column}"] for row in range(4) for column in range(2)
    ]


@pytest.mark.xfail(
    strict=True,
    reason="BUG geometry.reading_order: the XY-cut takes the widest empty band, so a table "
    "whose column gutter is wider than its row gap is read column by column",
)
@pytest.mark.parametrize(
    "columns",
    [
        pytest.param([(60, 300), (400, 800)], id="two-cells-a-row"),
        pytest.param([(60, 100), (160, 400), (500, 900)], id="three-cells-a-row"),
    ],
)
def test_table_cells_are_read_row_by_row_and_cell_by_cell(columns):
    # A numbered table of steps, as on the slide of issue 15: rows 40 px apart (more than a
    # paragraph's line gap, so each cell is its own block), columns 60-100 px apart.
    labels = table(columns, rows=4, row_pitch=TALL + 40)

    assert read_as_pipeline(labels) == [
        [f"r{row}c{column}"] for row in range(4) for column in range(len(columns))
    ]


def test_blocks_no_band_separates_are_read_top_to_bottom():
    # Two overlapping boxes: no empty band between them, so the higher one comes first.
    assert reading_order([(100, 60, 500, 120), (50, 10, 300, 70)]) == [1, 0]


# Joining the pieces of one line


def test_a_line_the_detector_split_at_a_wide_word_gap_is_joined_into_one_line():
    first, second = (60, 100, 300, 130), (315, 101, 520, 131)  # a 15 px gap, half the height

    assert join_rows([second, first]) == [(60, 100, 520, 131)]


def test_two_table_cells_with_a_gutter_between_them_stay_two_lines():
    first, second = (60, 100, 300, 130), (340, 100, 520, 130)  # a 40 px gutter

    assert sorted(join_rows([first, second])) == [first, second]


def test_pieces_on_two_rows_are_not_joined():
    upper, lower = (60, 100, 300, 130), (310, 125, 520, 155)  # overlap 5 px of 30

    assert sorted(join_rows([upper, lower])) == [upper, lower]


def test_a_bullet_a_space_away_from_its_text_joins_its_line():
    # As Noto Sans CJK draws "• Text" at 40 px: an 11 px bullet, 12 px before 30 px text.
    bullet, text = (60, 110, 70, 121), (82, 100, 400, 130)

    assert join_rows([text, bullet]) == [(60, 100, 400, 130)]


def test_a_bullet_close_to_its_text_joins_its_line():
    bullet, text = (60, 110, 70, 121), (74, 100, 400, 130)

    assert join_rows([text, bullet]) == [(60, 100, 400, 130)]


# Blocks


def test_a_paragraphs_lines_are_one_block_top_to_bottom():
    lines = lines_of(60, 440, 100, 4)

    assert group_blocks(list(reversed(lines))) == [lines]


def test_a_heading_right_above_body_text_is_its_own_block():
    heading = (60, 40, 600, 100)  # 60 px, twice the body's height, 10 px above it
    body = lines_of(60, 600, 110, 3)

    assert sorted(group_blocks([*body, heading])) == sorted([[heading], body])


def test_lines_of_very_different_heights_on_one_row_are_never_one_line():
    # 60 and 30 px, 10 px apart, bottoms near each other: not a bullet within the big line.
    big, small = (60, 100, 400, 160), (410, 135, 600, 165)

    assert sorted(join_rows([big, small])) == [big, small]


def test_a_title_subtitle_and_body_of_very_different_heights_never_form_one_block():
    title = (60, 20, 700, 80)  # 60 px
    subtitle = (60, 100, 700, 143)  # 43 px: within 1.5 times of both neighbours
    body = lines_of(60, 700, 160, 2)  # 30 px

    blocks = group_blocks([title, subtitle, *body])

    assert not any(title in block and body[0] in block for block in blocks)


def test_a_paragraph_after_a_blank_line_is_a_new_block():
    first = lines_of(60, 440, 100, 2)
    second = lines_of(60, 440, first[-1][3] + TALL + 5, 2)  # a gap of more than a line

    assert sorted(group_blocks([*first, *second])) == [first, second]


# Alignment


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param([(60, 100, 500, 130), (60, 145, 300, 175), (62, 190, 420, 220)], "left"),
        pytest.param([(100, 100, 500, 130), (200, 145, 400, 175), (150, 190, 452, 220)], "center"),
        pytest.param([(100, 100, 500, 130), (300, 145, 500, 175), (180, 190, 498, 220)], "right"),
        pytest.param([(60, 100, 500, 130), (160, 145, 380, 175), (90, 190, 520, 220)], None),
        pytest.param([(60, 100, 500, 130)], None),
    ],
    ids=["left", "center", "right", "ragged", "one-line"],
)
def test_a_blocks_alignment_follows_its_lines_edges(lines, expected):
    assert alignment(lines) == expected
