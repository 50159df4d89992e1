"""Wires the OCR service's collaborators in one place."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pymongo.database import Database

from jaryo_shared import messaging, objectstore
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.ocr_result import MEASURED_FONT
from jaryo_shared.wiring import clients
from ocr_service.engines.pdf_text import PdfTextLayer
from ocr_service.engines.regions import RegionEngine
from ocr_service.engines.tesseract import TesseractEngine
from ocr_service.layout.detector import LineDetector
from ocr_service.layout.style import FontFiles
from ocr_service.reader import Reader, Route
from ocr_service.settings import OcrSettings

log = logging.getLogger(__name__)

# The collections whose outboxes OCR writes events into, and so relays (docs/architecture.md).
OUTBOX_COLLECTIONS = ("ocr_results", "upload_completions")


@dataclass
class Dependencies:
    settings: OcrSettings
    db: Database
    store: objectstore.ObjectStore
    publisher: messaging.Publisher
    reader: Reader
    clock: Clock = field(default_factory=SystemClock)


def build_reader(settings: OcrSettings) -> Reader:
    """Tesseract region by region for everything, docTR for English print when its weights
    are configured."""
    tesseract = TesseractEngine(settings.tessdata_dir)
    tesseract.check()
    fonts = FontFiles(settings.font_regular, settings.font_bold, MEASURED_FONT)
    fonts.font(False), fonts.font(True)  # a missing font is reported at start-up
    regions = RegionEngine(LineDetector.load(), tesseract, fonts)
    routes: list[Route] = []
    if settings.doctr_dir is not None:
        from ocr_service.engines.doctr import load_doctr  # optional extra: import only if asked

        doctr = load_doctr(settings.doctr_dir)
        if doctr is not None:
            routes.append(Route(doctr, frozenset({"eng-printed"})))
    return Reader(
        routes,
        regions,
        text_layer=PdfTextLayer(fonts),
        timeout_seconds=settings.ocr_timeout_seconds,
        max_pixels=settings.max_image_pixels,
        read_pixels=settings.ocr_read_pixels,
        capture=settings.ocr_capture,
    )


def bootstrap(settings: OcrSettings) -> Dependencies:
    return Dependencies(settings=settings, **clients(settings), reader=build_reader(settings))
