"""Storage names made from untrusted file names."""

from __future__ import annotations

import pytest

from gateway.uploads.filenames import MAX_ORIGINAL, MAX_STEM, displayable, safe_stem, unique_names


@pytest.mark.parametrize(
    ("given", "stem"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\photo.jpg", "photo"),
        ("/abs/path/scan.PNG", "scan"),
        ("..", "image"),
        ("", "image"),
        (None, "image"),
        ("회의록 사진.heic", "회의록 사진"),
        ("bad\x00name\x1b[31m.png", "badname_31m"),
        ("semi;colon$and|pipe.jpg", "semi_colon_and_pipe"),
        (".hidden", "hidden"),
    ],
)
def test_safe_stem_keeps_no_path_parts_or_control_characters(given, stem):
    assert safe_stem(given) == stem


def test_safe_stem_is_length_capped():
    assert len(safe_stem("x" * 500 + ".png")) == MAX_STEM


def test_repeated_names_in_one_upload_are_all_kept():
    names = unique_names([("page", "png"), ("Page", "png"), ("page", "png"), ("page", "jpg")])
    assert names == ["page.png", "Page-2.png", "page-3.png", "page.jpg"]


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("invoice\u202egnp.exe", "invoicegnp.exe"),  # RIGHT-TO-LEFT OVERRIDE: "invoiceexe.png"
        ("a\u2066b\u2067c\u2068d\u2069e\u202af\u202bg\u202ch\u202dk\u200el\u200fm", "abcdefghklm"),
        ("line\nbreak\r\ttab\x00nul\x1b[31m\x7fdel\x85nel.png", "linebreaktabnul[31mdelnel.png"),
        ("para\u2028graph\u2029.png", "paragraph.png"),
        ("회의록 사진.heic", "회의록 사진.heic"),
        ("e\u0301.png", "\u00e9.png"),  # NFC
        (None, ""),
    ],
)
def test_the_original_name_is_shown_without_control_or_bidi_characters(given, shown):
    assert displayable(given) == shown


def test_the_original_name_shown_is_length_capped():
    assert len(displayable("x" * 1000)) == MAX_ORIGINAL
