"""Names inside an export zip made from names people typed: one safe, readable path component."""

from __future__ import annotations

import pytest

from gateway.account.names import MAX_BYTES, safe_name


@pytest.mark.parametrize(
    ("typed", "extension", "expected"),
    [
        ("scan", "png", "scan.png"),
        ("../../etc/passwd", "", "etc_passwd"),
        ("..\\..\\windows\\system32", "", "windows_system32"),
        ("a/b\\c", "jpg", "a_b_c.jpg"),
        ("내 템플릿/../<x>", "pptx", "내 템플릿_x.pptx"),
        (".bashrc", "", "bashrc"),
        ("...", "pdf", "file.pdf"),
        ("", "pptx", "file.pptx"),
        (None, "", "file"),
        ("line\nbreak\ttab\x00nul\x7fdel", "txt", "line break tabnuldel.txt"),
        ("evil\u202etxt.exe", "png", "eviltxt.exe.png"),
        ("a<b>c:d\"e|f?g*h&i'j", "", "a_b_c_d_e_f_g_h_i_j"),
        ("발표 자료 — 3분기", "pptx", "발표 자료 — 3분기.pptx"),
        ("report.pptx", "pptx", "report.pptx"),  # the extension is not doubled
        ("CON", "pptx", "file_CON.pptx"),
        ("lpt1.txt", "", "file_lpt1.txt"),
        ("trailing dots. . .", "", "trailing dots"),
    ],
)
def test_typed_names_become_one_safe_component(typed, extension, expected):
    assert safe_name(typed, extension) == expected


def test_a_name_of_a_thousand_characters_is_cut_to_a_bounded_number_of_bytes():
    name = safe_name("가" * 1000, "pptx")
    assert name.endswith(".pptx")
    assert len(name.removesuffix(".pptx").encode()) <= MAX_BYTES
    assert set(name.removesuffix(".pptx")) == {"가"}  # cut between characters, still readable


def test_the_fallback_names_what_has_no_usable_name():
    assert safe_name("\u200b\u200e", "png", fallback="image") == "image.png"


@pytest.mark.parametrize(
    "typed", ["../" * 400, "\\\\server\\share\\x", "/abs/path", "a\u2028b\u2029c", "\ud800x"]
)
def test_no_name_is_a_path_or_holds_a_control(typed):
    name = safe_name(typed, "txt")
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".")
    assert all(ch.isprintable() for ch in name)
    assert len(name.encode("utf-8", errors="strict")) <= MAX_BYTES + len(".txt")
