"""How an image's OCR result looks to API clients (gateway.uploads.views): figures and the
clean background once the image is read, and nothing of them before."""

from __future__ import annotations

from gateway.uploads.views import has_clean_background, ocr_view


def test_a_read_image_shows_its_figures_and_that_it_has_a_clean_background() -> None:
    result = {
        "status": "done",
        "text": "x",
        "figures": [{"bbox": (0.1, 0.1, 0.5, 0.5)}],
        "clean_background": True,
    }

    view = ocr_view(result)

    assert (view["figures"], view["clean_background"]) == ([{"bbox": (0.1, 0.1, 0.5, 0.5)}], True)
    assert has_clean_background(result)


def test_an_image_read_before_clean_backgrounds_shows_none_and_no_figures() -> None:
    result = {"status": "done", "text": "x"}

    assert ocr_view(result) == {
        "status": "done",
        "text": "x",
        "figures": [],
        "clean_background": False,
    }
    assert not has_clean_background(result)


def test_an_image_being_read_shows_only_its_status() -> None:
    # The read model fills clean_background with False even before the image is read.
    result = {"status": "processing", "clean_background": False}

    assert ocr_view(result) == {"status": "processing"}
    assert ocr_view(None) == {"status": "queued"}
    assert not has_clean_background(result)


def test_a_failed_image_has_no_clean_background_whatever_an_earlier_attempt_left() -> None:
    assert not has_clean_background({"status": "failed", "clean_background": True})
