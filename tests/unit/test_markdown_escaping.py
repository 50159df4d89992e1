"""Text read from a photo cannot inject formatting or HTML into whatever renders the Markdown
answer (gateway.uploads.markdown): hostile strings, made up and generated, come out of a
CommonMark renderer with tables as the very text they were, in a paragraph, a list item, a
heading and a table cell alike."""

from __future__ import annotations

import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from gateway.uploads.markdown import blocks_markdown, upload_markdown

# html on: a renderer that passes HTML through is the one an injection would reach.
RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    "<https://evil.example>",
    "**bold** _it_ ~~gone~~ `code`",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "1. not a list",
    "2) not a list",
    "===",
    "---",
    "***",
    "```",
    "~~~",
    "    four spaces of code",
    "a | b | c",
    "&lt;b&gt; &amp; &#60;",
    "trailing backslash \\",
    "hard break  ",
    "$x^2$ math",
    "[^1] footnote",
    "<!-- comment -->",
    "\x00\x1b[31m red",
    "* [ ] task",
    "invoice\u202egnp.exe",
]
ALPHABET = st.sampled_from(
    [*"\\`*_[]()<>|~&#$!-+=.:;'\"/ \t\n0123456789aZ가•", "\x00", "\x7f", "\x85", "\u202e", "\u2028"]
)


def normalised(text: str) -> str:
    """As escape() promises: controls a space, format characters gone, whitespace runs one."""
    shown = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in shown).split())


def inline_text(token: Token) -> str:
    """The text of an inline token, failing on anything that is not plain text."""
    kinds = {child.type for child in token.children or []}
    assert kinds <= {"text", "softbreak"}, (kinds, token.content)
    return "".join(" " if c.type == "softbreak" else c.content for c in token.children or [])


def structure(markdown: str) -> list[str]:
    return [token.type for token in RENDERER.parse(markdown) if token.type != "inline"]


def texts(markdown: str) -> list[str]:
    return [inline_text(t) for t in RENDERER.parse(markdown) if t.type == "inline"]


def line(text: str, x0: float, y0: float) -> dict[str, Any]:
    return {"text": text, "bbox": (x0, y0, x0 + 0.2, y0 + 0.03)}


def one_block(*lines: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"bbox": (0, 0, 1, 1), "lines": list(lines)}]


def check_paragraph(text: str) -> None:
    markdown = blocks_markdown(one_block(line(text, 0.1, 0.1)))
    if "•" in text:
        return  # a bullet may start a list item, by design (check_list_item)
    if not normalised(text):
        assert markdown == ""
        return
    assert structure(markdown) == ["paragraph_open", "paragraph_close"], markdown
    assert texts(markdown) == [normalised(text)]


def check_list_item(text: str) -> None:
    item = f"• {text.lstrip()}"
    markdown = blocks_markdown(one_block(line(item, 0.1, 0.1)))
    if not is_list_item(item.splitlines()[0]) or "•" in text:
        return  # no item (nothing after the bullet on its line), or more items than one
    assert structure(markdown) == [
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
        "paragraph_close",
        "list_item_close",
        "bullet_list_close",
    ], markdown
    assert texts(markdown) == [normalised(text)]


def check_heading(text: str) -> None:
    image = {"_id": "i", "index": 0, "image_name": text or "x", "storage": {"status": "stored"}}
    section = upload_markdown([image], {"i": {"status": "done", "blocks": []}})
    markdown = section.split("\n\n")[0]  # the heading, without the note under it
    if not normalised(text):
        return
    assert structure(markdown) == ["heading_open", "heading_close"], markdown
    assert texts(markdown) == [normalised(text)]


def is_list_item(text: str) -> bool:
    return text.startswith("• ") and bool(normalised(text[2:]))


def check_table_cell(text: str) -> None:
    columns = [
        [line(cell, 0.1, 0.3 + 0.06 * row) for row, cell in enumerate(["Key", text, "b", "c"])],
        [line(cell, 0.5, 0.3 + 0.06 * row) for row, cell in enumerate(["Value", "1", "2", "3"])],
    ]
    blocks = [{"bbox": (0, 0, 1, 1), "lines": cells} for cells in columns]
    markdown = blocks_markdown(blocks)
    if len(text.split()) > 6 or not normalised(text) or is_list_item(text):
        return  # not a table's cell (too long, or a list's), or no cell at all
    assert "table_open" in structure(markdown), markdown
    assert texts(markdown)[:4] == ["Key", "Value", normalised(text), "1"]


def check_everywhere(text: str) -> None:
    check_paragraph(text)
    check_list_item(text)
    check_heading(text)
    check_table_cell(text)


def test_hostile_text_renders_as_itself_in_every_place_it_can_appear() -> None:
    for text in HOSTILE:
        check_everywhere(text)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(ALPHABET, max_size=24))
def test_generated_text_of_markdown_syntax_renders_as_itself(text: str) -> None:
    check_everywhere(text)


def test_a_paragraph_of_several_hostile_lines_stays_one_paragraph_of_them() -> None:
    lines = [line(text, 0.1, 0.1 + 0.035 * i) for i, text in enumerate(HOSTILE)]

    markdown = blocks_markdown(one_block(*lines))

    assert structure(markdown) == ["paragraph_open", "paragraph_close"], markdown
    assert texts(markdown) == [" ".join(normalised(text) for text in HOSTILE)]
