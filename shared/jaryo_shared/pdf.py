"""PDF files as Jaryo takes them in: checked at the door before anything is stored (`inspect`:
readable, not encrypted, no JavaScript, how many pages), and each page rendered to the image the
services keep and read (`rendered_page`), the same way in the storage and OCR services, so the
boxes OCR finds line up with the stored page.

pdfium (pypdfium2) parses and renders. Its builds run no JavaScript, so refusing scripted files
is policy, not a guard: nobody photographs a form with scripts, and we keep nothing of one.
pdfium is not thread-safe: every call into it here holds one process-wide lock.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from jaryo_shared.failures import FailureCode
from jaryo_shared.images import UnusableImage

MAGIC = b"%PDF-"
HEADER_BYTES = 1024  # readers accept the header anywhere in the first kilobyte
RENDER_DPI = 200  # what Tesseract reads best at; a slide (13.3 × 7.5 in) is 2667 × 1500
POINTS_PER_INCH = 72
# A page is rendered with at most this many pixels (a poster page at 200 dpi would be 60 MP).
MAX_PAGE_PIXELS = 16_000_000

ENCRYPTED = "the PDF is encrypted; save or print it again without a password"
SCRIPTED = "the PDF carries JavaScript; save or print it again as a plain PDF"

_LOCK = threading.RLock()
# Names of a PDF object that carry scripts, as they appear in an uncompressed dictionary.
_SCRIPT_NAMES = (b"/JavaScript", b"/JS")


class UnacceptablePdf(ValueError):
    """The file is a PDF we do not take; `kind` says why (a stable word), the message in words."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class PdfInfo:
    pages: int


def is_pdf(head: bytes) -> bool:
    """Whether these first bytes of a file are a PDF's."""
    return MAGIC in head[:HEADER_BYTES]


def inspect(data: bytes) -> PdfInfo:
    """Raises UnacceptablePdf for a file that is broken, encrypted (even with an empty password:
    its owner restricted it), or carries JavaScript."""
    if _has_script_names(data):
        raise UnacceptablePdf("javascript", SCRIPTED)
    with _document(data) as document:
        if pdfium_c.FPDF_GetSecurityHandlerRevision(document) != -1:
            raise UnacceptablePdf("encrypted", ENCRYPTED)
        if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document) > 0:
            raise UnacceptablePdf("javascript", SCRIPTED)
        pages = len(document)
        if pages == 0:
            raise UnacceptablePdf("broken", "the PDF has no pages")
        for index in range(pages):  # a page that cannot be loaded would fail later, page by page
            width, height = document.get_page_size(index)
            if not (width > 0 and height > 0):
                raise UnacceptablePdf("broken", f"page {index + 1} of the PDF has no size")
    return PdfInfo(pages=pages)


@dataclass(frozen=True)
class RenderedPage:
    """A page's picture and how page coordinates (points) map onto its pixels."""

    image: Image.Image  # RGB
    dpi: float
    to_pixels: Callable[[float, float], tuple[float, float]]


@contextmanager
def opened_page(data: bytes, number: int) -> Iterator[pdfium.PdfPage]:
    """Page `number` (from 1) of the PDF, with pdfium's lock held. Raises UnusableImage (the
    file's fault: this page's failure, with the reason)."""
    try:
        with _document(data) as document:
            if not 1 <= number <= len(document):
                raise UnacceptablePdf("broken", f"the PDF has no page {number}")
            page = document[number - 1]
            try:
                yield page
            finally:
                page.close()
    except UnacceptablePdf as exc:
        raise UnusableImage(str(exc), exc.kind, code=FailureCode.IMAGE_DAMAGED) from exc
    except pdfium.PdfiumError as exc:  # a page pdfium could not load or render
        reason = "the PDF's page could not be rendered: the file is damaged"
        raise UnusableImage(reason, str(exc), code=FailureCode.IMAGE_DAMAGED) from exc


def render(
    page: pdfium.PdfPage,
    *,
    dpi: float = RENDER_DPI,
    max_pixels: int = MAX_PAGE_PIXELS,
    max_side: int | None = None,
    without_text: bool = False,
) -> RenderedPage:
    """The page as it is shown (its rotation applied, forms drawn) on white, at `dpi`, or at
    fewer dots where that would pass `max_pixels` or make a side longer than `max_side`.
    `without_text` hides the page's text objects first (for good: render the text before).
    Call inside `opened_page`."""
    width, height = page.get_size()
    scale = dpi / POINTS_PER_INCH
    if width * height * scale * scale > max_pixels:
        scale = math.sqrt(max_pixels / (width * height))
    if max_side is not None and max(width, height) * scale > max_side:
        scale = max_side / max(width, height)
    if without_text:
        _hide_text(page)
    bitmap = page.render(scale=scale, rev_byteorder=True)
    try:
        image = bitmap.to_pil().convert("RGB")
        converter = bitmap.get_posconv(page)
        to_pixels = _affine(converter.to_bitmap)
    finally:
        bitmap.close()
    return RenderedPage(image=image, dpi=scale * POINTS_PER_INCH, to_pixels=to_pixels)


def _hide_text(page: pdfium.PdfPage) -> None:
    """Every text object, also those inside form objects, drawn invisibly (its text stays)."""
    for text in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
        pdfium_c.FPDFTextObj_SetTextRenderMode(text, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)


def rendered_page(
    data: bytes, number: int, *, dpi: float = RENDER_DPI, max_pixels: int = MAX_PAGE_PIXELS
) -> Image.Image:
    """Page `number` (from 1) as an RGB image. Raises UnusableImage."""
    with opened_page(data, number) as page:
        return render(page, dpi=dpi, max_pixels=max_pixels).image


@contextmanager
def _document(data: bytes) -> Iterator[pdfium.PdfDocument]:
    with _LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise UnacceptablePdf("encrypted", ENCRYPTED) from exc
            raise UnacceptablePdf("broken", "the PDF is damaged and cannot be read") from exc
        try:
            yield document
        finally:
            document.close()


def _has_script_names(data: bytes) -> bool:
    """A name token /JS or /JavaScript anywhere in the file's own bytes (a name ends at a
    delimiter or white space, so /JSON or /JavaScriptX do not count). pdfium reports only
    document-level scripts; this finds those of actions and annotations too, unless they hide in
    a compressed object stream."""
    for name in _SCRIPT_NAMES:
        start = data.find(name)
        while start != -1:
            after = data[start + len(name) : start + len(name) + 1]
            if not after or after in b" \t\r\n\f\x00()<>[]{}/%":
                return True
            start = data.find(name, start + 1)
    return False


def _affine(
    to_bitmap: Callable[[float, float], tuple[int, int]],
) -> Callable[[float, float], tuple[float, float]]:
    """pdfium's page → bitmap mapping (integers) as an exact affine function: measured at three
    far-apart points, so rounding costs nothing, and called in Python, not per character in C."""
    far = 100_000.0
    ox, oy = to_bitmap(0.0, 0.0)
    xx, xy = to_bitmap(far, 0.0)
    yx, yy = to_bitmap(0.0, far)
    a, b = (xx - ox) / far, (yx - ox) / far
    c, d = (xy - oy) / far, (yy - oy) / far

    def to_pixels(x: float, y: float) -> tuple[float, float]:
        return ox + a * x + b * y, oy + c * x + d * y

    return to_pixels
