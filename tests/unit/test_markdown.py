"""An upload's text as Markdown (gateway.uploads.markdown) on synthetic layouts: a section per
image in order with a note for each one not read, blocks as paragraphs and lists, tables found
from the lines' geometry, and prose in columns left as prose."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.problems import InvalidInput
from gateway.uploads.markdown import blocks_markdown, escape, upload_markdown, wants_markdown

HEIGHT = 0.03  # a line's height, as a fraction of a square image's


def line(text: str, x0: float, y0: float, x1: float | None = None, **extra: Any) -> dict:
    width = len(text) * 0.012 if x1 is None else x1 - x0
    return {"text": text, "bbox": (x0, y0, x0 + width, y0 + HEIGHT), **extra}


def block(*lines: dict) -> dict:
    return {
        "bbox": (
            min(item["bbox"][0] for item in lines),
            min(item["bbox"][1] for item in lines),
            max(item["bbox"][2] for item in lines),
            max(item["bbox"][3] for item in lines),
        ),
        "lines": list(lines),
    }


def column(x: float, *cells: str, top: float = 0.3, pitch: float = 0.06) -> dict:
    """A table's column as the OCR service reads one: a block of one line per cell."""
    return block(*(line(cell, x, top + i * pitch) for i, cell in enumerate(cells)))


SALES = [
    ["Region", "Sales", "Growth", "Owner"],
    ["Seoul", "1,200", "12%", "Kim Minsu"],
    ["Busan", "830", "7%", "Lee Seoyeon"],
    ["Online", "2,450", "31%", "Kim"],
]
SALES_MARKDOWN = "\n".join(
    [
        "| Region | Sales | Growth | Owner |",
        "| --- | --- | --- | --- |",
        "| Seoul | 1,200 | 12% | Kim Minsu |",
        "| Busan | 830 | 7% | Lee Seoyeon |",
        "| Online | 2,450 | 31% | Kim |",
    ]
)


def test_a_table_read_as_columns_becomes_a_markdown_table_with_its_first_row_as_header() -> None:
    title = block(line("Sales by region", 0.1, 0.1))
    columns = [column(0.1 + 0.2 * i, *(row[i] for row in SALES)) for i in range(4)]

    assert blocks_markdown([title, *columns]) == f"Sales by region\n\n{SALES_MARKDOWN}"


def test_a_table_read_cell_by_cell_becomes_one_table_where_its_first_cell_was() -> None:
    cells = [
        block(line(text, 0.1 + 0.2 * c, 0.3 + 0.06 * r))
        for r, row in enumerate(SALES)
        for c, text in enumerate(row)
    ]
    after = block(line("Source: finance team", 0.1, 0.7))

    assert blocks_markdown([*cells, after]) == f"{SALES_MARKDOWN}\n\nSource: finance team"


def test_a_heading_read_in_one_block_with_a_tables_first_column_stays_above_the_table():
    columns = [column(0.1 + 0.2 * i, *(row[i] for row in SALES)) for i in range(4)]
    columns[0]["lines"].insert(0, line("Sales by region", 0.1, 0.22))

    assert blocks_markdown(columns) == f"Sales by region\n\n{SALES_MARKDOWN}"


def test_right_aligned_numbers_still_line_up_as_a_column() -> None:
    rows = [["Plan", "Seats"], ["Free", "1"], ["Team", "10"], ["Business", "100"]]
    cells = [
        block(
            line(label, 0.1, 0.3 + 0.06 * r), line(seats, 0.5 - 0.012 * len(seats), 0.3 + 0.06 * r)
        )
        for r, (label, seats) in enumerate(rows)
    ]

    assert blocks_markdown(cells).splitlines()[:3] == [
        "| Plan | Seats |",
        "| --- | --- |",
        "| Free | 1 |",
    ]


PROSE_LEFT = [
    "Attacker identified a GitHub token",
    "with recently elevated scopes that",
    "was leaked from the build server",
    "and gave them access to push code.",
]
PROSE_RIGHT = [
    "Tools should be able to detect",
    "package tampering before a release",
    "and identify the real author of",
    "every package that they install.",
]


def test_prose_in_two_columns_stays_two_paragraphs_in_reading_order() -> None:
    left = column(0.05, *PROSE_LEFT, pitch=0.045)
    right = column(0.55, *PROSE_RIGHT, pitch=0.045)

    assert blocks_markdown([left, right]) == "\n".join(PROSE_LEFT) + "\n\n" + "\n".join(PROSE_RIGHT)


def test_two_columns_of_short_list_items_stay_lists() -> None:
    left = column(0.05, "• Apples", "• Pears", "• Plums")
    right = column(0.55, "• Carrots", "• Leeks", "• Kale")

    assert blocks_markdown([left, right]) == (
        "- Apples\n- Pears\n- Plums\n\n- Carrots\n- Leeks\n- Kale"
    )


def test_two_short_rows_of_two_cells_are_too_little_to_call_a_table() -> None:
    labels = column(0.1, "Name", "Date")
    values = column(0.4, "Jaryo", "2026")

    assert "|" not in blocks_markdown([labels, values])


def test_a_grid_of_cards_of_two_lines_each_stays_a_paragraph_per_card() -> None:
    # As slide_06 of the samples reads: a heading over each card, then its two short lines.
    cards = [("Agility", "Fast delivery", "Containers"), ("Cost", "Less upkeep", "Savings")]
    blocks = []
    for n, (heading, *lines) in enumerate(cards):
        blocks += [column(0.1 + 0.4 * n, heading, top=0.3), column(0.1 + 0.4 * n, *lines, top=0.45)]

    assert blocks_markdown(blocks) == (
        "Agility\n\nFast delivery\nContainers\n\nCost\n\nLess upkeep\nSavings"
    )


def test_cells_that_do_not_line_up_are_not_a_table() -> None:
    cells = [
        block(
            line("One", 0.1 + 0.05 * r, 0.3 + 0.06 * r), line("Two", 0.5 + 0.07 * r, 0.3 + 0.06 * r)
        )
        for r in range(4)
    ]

    assert "|" not in blocks_markdown(cells)


def test_a_slide_gives_its_title_and_its_bullets_as_a_list_with_wrapped_items_whole() -> None:
    title = block(line("Quarterly review", 0.1, 0.1))
    bullets = block(
        line("• Revenue grew in every region", 0.1, 0.3),
        line("driven by online sales", 0.13, 0.34),
        line("• Costs held flat", 0.1, 0.4),
    )
    closing = block(line("Questions welcome", 0.1, 0.8))

    assert blocks_markdown([title, bullets, closing]) == (
        "Quarterly review\n\n"
        "- Revenue grew in every region\n  driven by online sales\n- Costs held flat\n\n"
        "Questions welcome"
    )


def test_a_line_after_a_list_not_indented_past_its_bullet_starts_a_paragraph() -> None:
    mixed = block(line("• First point", 0.1, 0.3), line("A closing remark", 0.1, 0.34))

    assert blocks_markdown([mixed]) == "- First point\n\nA closing remark"


def test_the_print_of_a_figure_is_left_to_the_picture() -> None:
    shown = block(line("Settings", 0.1, 0.1), line("File Edit View", 0.1, 0.2, in_picture=True))

    assert blocks_markdown([shown]) == "Settings"


def test_a_pipe_in_a_table_cell_cannot_split_the_cell() -> None:
    columns = [column(0.1, "Key", "a|b", "c", "d"), column(0.4, "Value", "1", "2", "3")]

    assert "| a\\|b | 1 |" in blocks_markdown(columns).splitlines()


def image(index: int, name: str, *, storage: dict | None = None, **extra: Any) -> dict:
    return {
        "_id": f"i{index}",
        "index": index,
        "image_name": name,
        "storage": storage or {"status": "stored", "width": 1000, "height": 1000},
        **extra,
    }


def done(*blocks: dict) -> dict:
    return {"status": "done", "blocks": list(blocks)}


def test_each_image_is_a_section_in_upload_order_and_none_is_dropped() -> None:
    images = [
        image(0, "slide.png"),
        image(1, "blank.png"),
        image(2, "blurry.png"),
        image(3, "broken.png", storage={"status": "rejected", "reason": "not an image"}),
    ]
    results = {
        "i0": done(block(line("Hello", 0.1, 0.1))),
        "i1": done(),
        "i2": {"status": "failed", "reason": "reading timed out", "blocks": []},
    }

    assert upload_markdown(images, results) == (
        "## slide.png\n\nHello\n\n"
        "## blank.png\n\n*No text was found in this image.*\n\n"
        "## blurry.png\n\n*Not read: reading timed out*\n\n"
        "## broken.png\n\n*Not read: not an image*\n"
    )


def test_a_pdf_page_is_named_by_its_page_and_file_when_the_image_records_them() -> None:
    images = [
        image(0, "notes-p3.png", page=3, filename="notes.pdf"),
        image(1, "notes-p4.png"),  # no page recorded
        image(2, "handout-p1.png", page=1, filename="handout[1].png"),  # a PDF, named oddly
    ]
    results = {"i0": done(), "i1": done(), "i2": done()}

    headings = [part for part in upload_markdown(images, results).split("\n") if part[:2] == "##"]
    assert headings == [
        "## page 3 of notes.pdf",
        "## notes-p4.png",
        "## page 1 of handout\\[1\\].png",  # the name as sent, escaped
    ]


def test_a_hostile_image_name_stays_plain_text_in_its_heading() -> None:
    images = [image(0, "<img src=x onerror=alert(1)>*.png")]

    assert upload_markdown(images, {"i0": done()}).startswith(
        "## \\<img src=x onerror=alert(1)\\>\\*.png\n"
    )


def test_underscores_inside_a_name_stay_readable_and_those_that_could_emphasise_are_escaped():
    assert escape("notes_p3.png") == "notes_p3.png"
    assert escape("_draft_ v2") == "\\_draft\\_ v2"


def test_the_layout_is_measured_in_the_images_own_proportions() -> None:
    # On a wide image a small gap in fractions is a wide one in pixels: the same boxes that
    # line up on a square image are a column apart on a very wide one.
    cells = [
        block(line("Row", 0.1 + 0.004 * (r % 2), 0.3 + 0.06 * r), line("x", 0.5, 0.3 + 0.06 * r))
        for r in range(4)
    ]

    assert "|" in blocks_markdown(cells, aspect=1.0)
    assert "|" not in blocks_markdown(cells, aspect=20.0)


@pytest.mark.parametrize(("given", "markdown"), [(None, False), ("txt", False), ("md", True)])
def test_the_format_is_txt_unless_md_is_asked_for(given: str | None, markdown: bool) -> None:
    assert wants_markdown(given) is markdown


@pytest.mark.parametrize("given", ["html", "", "MD", "markdown"])
def test_any_other_format_is_refused_naming_the_parameter(given: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        wants_markdown(given)

    assert refused.value.extensions["pointer"] == "/format"
