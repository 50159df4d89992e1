"""The service's OCR path for one image: decode upright, pick the engine and language from the
image type, read within the time limit, and time it. Used by the handler and by `make ocr-eval`."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from jaryo_shared.ocr_result import Figure, OcrResult, fraction_box
from ocr_service.clean import MAX_SIDE, text_mask, without_text
from ocr_service.engines.base import Engine
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
        timeout_seconds: float,
        max_pixels: int,
        read_pixels: int,
    ) -> None:
        self._routes = list(routes)
        self._fallback = fallback
        self._timeout = timeout_seconds
        self._max_pixels = max_pixels
        self._read_pixels = read_pixels

    def engine_for(self, image_type: str) -> Engine:
        for route in self._routes:
            if image_type in route.image_types:
                return route.engine
        return self._fallback

    def read(self, raw: bytes, image_type: str, *, clean: bool = False) -> Reading:
        """Raises UnusableImage (the file's fault), EngineTimeout, or whatever the engine raises.
        With `clean`, also the image with its text removed (PNG), for drafts."""
        started = time.perf_counter()
        upright = load(raw, max_pixels=self._max_pixels, read_pixels=self._read_pixels)
        engine = self.engine_for(image_type)
        language = LANGUAGES[image_type]
        page = engine.read(upright.image, language, dpi=upright.dpi, timeout_seconds=self._timeout)
        # Figures and the clean copy are made at most MAX_SIDE px (boxes are fractions):
        # bounded memory, and a slide's background needs no more.
        pixels = as_array(at_most_side(upright.image, MAX_SIDE))
        height, width = pixels.shape[:2]
        strokes = text_mask(pixels, page)
        found = [Figure(bbox=fraction_box(box, width, height)) for box in figures(pixels, strokes)]
        marked = mark_figure_text(page, [figure.bbox for figure in found])
        if marked is not page:  # a figure's print stays in the clean copy
            page, strokes = marked, text_mask(pixels, marked)
        background = without_text(pixels, strokes) if clean else None
        result = OcrResult(
            status="done",
            engine=engine.name,
            language=language,
            duration_ms=round((time.perf_counter() - started) * 1000),
            text=page.text,
            blocks=page.blocks,
            figures=found,
            clean_background=background is not None,
        )
        return Reading(result, background)


@dataclass(frozen=True)
class Reading:
    result: OcrResult
    clean_background: bytes | None  # PNG
