"""The service's OCR path for one image: decode upright, pick the engine and language from the
image type, read within the time limit, and time it. A page of a PDF is rendered instead of
decoded, and read from its own text layer when it has one worth trusting (engines.pdf_text).
With `capture` on, a photo (not a PDF page) first goes through the capture step
(ocr_service.capture): the document found in it is flattened and read instead of the photo, and
the reading carries that page (JPEG) for the handler to store beside the original; the result's
boxes are then fractions of the page. Corners given by the person are flattened whatever the
setting. Used by the handler and by `make ocr-eval`."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from jaryo_shared import pdf
from jaryo_shared.ocr_result import CapturedPage, Corner, Figure, OcrResult, Page, fraction_box
from ocr_service.capture import Capture
from ocr_service.capture import capture as capture_document
from ocr_service.capture.pipeline import Corners
from ocr_service.clean import MAX_SIDE, png, text_mask, without_text
from ocr_service.engines.base import Engine
from ocr_service.engines.pdf_text import PdfTextLayer
from ocr_service.images import load
from ocr_service.layout.figures import figures, mark_figure_text
from ocr_service.layout.style import as_array, at_most_side

log = logging.getLogger(__name__)

# Korean text is read with English too: slides and notes mix them, and Tesseract's `kor` model
# alone reads Latin letters poorly.
LANGUAGES = {
    "eng-printed": "eng",
    "eng-handwritten": "eng",
    "kor-printed": "kor+eng",
    "kor-handwritten": "kor+eng",
    "mixed-printed": "kor+eng",
}


@dataclass(frozen=True)
class Route:
    """Which engine reads which image types; the first route that matches wins."""

    engine: Engine
    image_types: frozenset[str]


class Reader:
    def __init__(
        self,
        routes: Sequence[Route],
        fallback: Engine,
        *,
        text_layer: PdfTextLayer,
        timeout_seconds: float,
        max_pixels: int,
        read_pixels: int,
        capture: bool = False,
    ) -> None:
        self._routes = list(routes)
        self._fallback = fallback
        self._text_layer = text_layer
        self._timeout = timeout_seconds
        self._max_pixels = max_pixels
        self._read_pixels = read_pixels
        self._capture = capture

    def engine_for(self, image_type: str) -> Engine:
        for route in self._routes:
            if image_type in route.image_types:
                return route.engine
        return self._fallback

    def read(
        self,
        raw: bytes,
        image_type: str,
        *,
        page: int | None = None,
        clean: bool = False,
        corners: Corners | None = None,
    ) -> Reading:
        """`raw` is an image, or a PDF of which `page` (from 1) is read. Raises UnusableImage
        (the file's fault), EngineTimeout, or whatever the engine raises. With `clean`, also
        the image with its text removed (PNG), for drafts. `corners` (fractions of the upright
        image) are the document's, given by the person: it is flattened from them."""
        started = time.perf_counter()
        language = LANGUAGES[image_type]
        if page is not None and pdf.is_pdf(raw[: pdf.HEADER_BYTES]):
            return self._read_pdf_page(raw, page, image_type, language, started, clean=clean)
        upright = load(raw, max_pixels=self._max_pixels, read_pixels=self._read_pixels)
        image = upright.image
        captured = None
        if self._capture or corners is not None:
            captured = capture_document(image, corners)
            if captured.steps:
                log.info("capture: %s", ", ".join(captured.steps))
                image = captured.image
            else:
                captured = None  # read as it is: no page of its own
        engine = self.engine_for(image_type)
        found = engine.read(image, language, dpi=upright.dpi, timeout_seconds=self._timeout)
        reading = self._finish(image, found, engine.name, language, started, clean=clean)
        if captured is None:
            return reading
        made = _captured_page(captured, by_person=corners is not None)
        result = reading.result.model_copy(update={"page": made})
        return Reading(result, reading.clean_background, _jpeg(captured.image))

    def _read_pdf_page(
        self,
        raw: bytes,
        number: int,
        image_type: str,
        language: str,
        started: float,
        *,
        clean: bool,
    ) -> Reading:
        """From the page's text layer when it has one to trust: laid out on the page rendered at
        most MAX_SIDE px (as a clean copy is), and the clean copy is the page rendered without
        its text, so nothing is inpainted; unless the text is an invisible layer over a scan,
        whose print is in the picture and is inpainted as a photo's. Otherwise rendered for OCR
        and read like a photo."""
        blank: Image.Image | None = None
        with pdf.opened_page(raw, number) as pdf_page:
            layout = pdf.render(pdf_page, max_pixels=self._max_pixels, max_side=MAX_SIDE)
            found = self._text_layer.read(pdf_page, layout)
            if found is None:
                scan = pdf.render(pdf_page, max_pixels=min(self._read_pixels, self._max_pixels))
            elif pdf.text_drawn(pdf_page):
                blank = pdf.render(pdf_page, dpi=layout.dpi, without_text=True).image
        if found is None:
            engine = self.engine_for(image_type)
            read = engine.read(
                scan.image, language, dpi=round(scan.dpi), timeout_seconds=self._timeout
            )
            return self._finish(scan.image, read, engine.name, language, started, clean=clean)
        name = self._text_layer.name
        if blank is None:
            return self._finish(layout.image, found, name, language, started, clean=clean)
        pixels = as_array(blank)
        height, width = pixels.shape[:2]
        boxes = figures(pixels, np.zeros((height, width), np.uint8))
        shapes = [Figure(bbox=fraction_box(box, width, height)) for box in boxes]
        # Real text, never a figure's print: none is left in the copy.
        background = png(pixels) if clean else None
        return _reading(found, shapes, name, language, started, background)

    def _finish(
        self,
        image: Image.Image,
        page: Page,
        engine_name: str,
        language: str,
        started: float,
        *,
        clean: bool,
    ) -> Reading:
        # Figures and the clean copy are made at most MAX_SIDE px (boxes are fractions):
        # bounded memory, and a slide's background needs no more.
        pixels = as_array(at_most_side(image, MAX_SIDE))
        height, width = pixels.shape[:2]
        strokes = text_mask(pixels, page)
        found = [Figure(bbox=fraction_box(box, width, height)) for box in figures(pixels, strokes)]
        marked = mark_figure_text(page, [figure.bbox for figure in found])
        if marked is not page:  # a figure's print stays in the clean copy
            page, strokes = marked, text_mask(pixels, marked)
        background = without_text(pixels, strokes) if clean else None
        return _reading(page, found, engine_name, language, started, background)


def _reading(
    page: Page,
    shapes: list[Figure],
    engine_name: str,
    language: str,
    started: float,
    background: bytes | None,
) -> Reading:
    result = OcrResult(
        status="done",
        engine=engine_name,
        language=language,
        duration_ms=round((time.perf_counter() - started) * 1000),
        text=page.text,
        blocks=page.blocks,
        figures=shapes,
        clean_background=background is not None,
    )
    return Reading(result, background)


def _captured_page(captured: Capture, *, by_person: bool) -> CapturedPage:
    corners = captured.corners
    return CapturedPage(
        corners=None if corners is None else [Corner(x=x, y=y) for x, y in corners],
        width=captured.image.width,
        height=captured.image.height,
        steps=list(captured.steps),
        source="person" if by_person else "found",
    )


def _jpeg(image: Image.Image) -> bytes:
    """A photo's page as a person sees it: JPEG, where a PNG of a 12-megapixel page would be
    several times larger for no visible gain."""
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


@dataclass(frozen=True)
class Reading:
    result: OcrResult
    clean_background: bytes | None  # PNG
    page: bytes | None = None  # JPEG: the page the capture step made of a photo, when it did
