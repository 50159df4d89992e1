"""Storage names made from untrusted file names."""

from __future__ import annotations

import pytest

from gateway.uploads.filenames import MAX_STEM, safe_stem, unique_names


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
