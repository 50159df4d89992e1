"""The gateway's check of a PDF at the door (gateway.uploads.pdf_check): what it refuses and
what it must not (a script name's bytes inside an image's data), and that a file of very many
pages is counted, not walked."""

from __future__ import annotations

import pytest

from gateway.uploads import pdf_check
from jaryo_shared.pdf import UnacceptablePdf
from tests import pdfs

MAX_PIXELS = 64_000_000


def test_a_plain_pdf_is_taken_with_its_page_count():
    assert pdf_check.pages_of(pdfs.blank_pages(3), max_pages=50, max_pixels=MAX_PIXELS) == 3


def test_script_names_inside_a_streams_bytes_are_data_not_a_script():
    """Compressed image data holds `/JS ` by chance in about one 20 MB scan in twelve."""
    data = pdfs.with_stream_saying(pdfs.blank_pages(1), b"\x89\x12/JS \x00/JavaScript(\xff")

    assert pdf_check.pages_of(data, max_pages=50, max_pixels=MAX_PIXELS) == 1


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "object-streams"])
def test_a_document_script_is_refused(compress):
    data = pdfs.with_javascript(pdfs.blank_pages(1), compress=compress)

    with pytest.raises(UnacceptablePdf) as refused:
        pdf_check.pages_of(data, max_pages=50, max_pixels=MAX_PIXELS)
    assert refused.value.kind == "javascript"


@pytest.mark.parametrize("user_password", ["secret", ""], ids=["password", "owner-only"])
def test_an_encrypted_pdf_is_refused(user_password):
    with pytest.raises(UnacceptablePdf) as refused:
        pdf_check.pages_of(
            pdfs.encrypted(pdfs.blank_pages(1), user_password=user_password), 50, MAX_PIXELS
        )
    assert refused.value.kind == "encrypted"


def test_a_damaged_pdf_is_refused():
    with pytest.raises(UnacceptablePdf) as refused:
        pdf_check.pages_of(pdfs.damaged(pdfs.blank_pages(1)), max_pages=50, max_pixels=MAX_PIXELS)
    assert refused.value.kind == "broken"


def test_a_picture_of_more_pixels_than_an_image_may_have_is_refused():
    """pdfium decodes a picture whole to draw it: 30000 x 30000 declared in a few bytes."""
    data = pdfs.with_picture_of(pdfs.blank_pages(1), 30_000, 30_000)

    with pytest.raises(UnacceptablePdf) as refused:
        pdf_check.pages_of(data, max_pages=50, max_pixels=MAX_PIXELS)
    assert refused.value.kind == "too_many_pixels"
    assert "30000x30000" in str(refused.value)


def test_a_pdf_past_the_limit_is_counted_without_looking_at_each_page(monkeypatch):
    data = pdfs.blank_pages(60)
    looked: list[int] = []
    real = pdf_check.pdf.document

    def counting(raw: bytes):  # type: ignore[no-untyped-def]
        manager = real(raw)
        opened = manager.__enter__()
        original = opened.get_page_size
        opened.get_page_size = lambda index: looked.append(index) or original(index)
        return _Entered(manager, opened)

    monkeypatch.setattr(pdf_check.pdf, "document", counting)

    assert pdf_check.pages_of(data, max_pages=50, max_pixels=MAX_PIXELS) == 60
    assert looked == []
    assert pdf_check.pages_of(data, max_pages=100, max_pixels=MAX_PIXELS) == 60
    assert len(looked) == 60


class _Entered:
    def __init__(self, manager, opened) -> None:  # type: ignore[no-untyped-def]
        self._manager, self._opened = manager, opened

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self._opened

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        return self._manager.__exit__(*exc)
