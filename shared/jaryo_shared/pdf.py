"""PDF files as Jaryo opens them: recognised by their first bytes, opened (`document`, for the
gateway's check at the door) and each page rendered to the image the services keep and read
(`opened_page`, `render`), the same way in the storage and OCR services, so the boxes OCR
finds line up with the stored page.

pdfium (pypdfium2) parses and renders; its builds run no JavaScript. pdfium is not
thread-safe: every call into it holds one process-wide lock, which `document` and `opened_page`
hold for as long as their block runs.
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

_LOCK = threading.RLock()


class UnacceptablePdf(ValueError):
    """The file is a PDF we do not take; `kind` says why (a stable word), the message in words."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def is_pdf(head: bytes) -> bool:
    """Whether these first bytes of a file are a PDF's."""
    return MAGIC in head[:HEADER_BYTES]


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
        with document(data) as opened:
            if not 1 <= number <= len(opened):
                raise UnacceptablePdf("broken", f"the PDF has no page {number}")
            page = opened[number - 1]
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


def text_drawn(page: pdfium.PdfPage) -> bool:
    """Whether any of the page's text is drawn, rather than all invisible (a scan's OCR layer,
    laid over the picture that holds the print)."""
    invisible = pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
    return any(
        pdfium_c.FPDFTextObj_GetTextRenderMode(text) != invisible
        for text in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT])
    )


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
def document(data: bytes) -> Iterator[pdfium.PdfDocument]:
    """The PDF opened, with pdfium's lock held inside the block. Raises UnacceptablePdf if it
    cannot be opened: it needs a password, or it is damaged."""
    with _LOCK:
        try:
            opened = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
                raise UnacceptablePdf("encrypted", ENCRYPTED) from exc
            raise UnacceptablePdf("broken", "the PDF is damaged and cannot be read") from exc
        try:
            yield opened
        finally:
            opened.close()


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
