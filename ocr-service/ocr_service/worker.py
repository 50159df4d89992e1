"""One OCR worker process: consume the ocr queue, and relay OCR's outboxes, until SIGTERM."""

from __future__ import annotations

from jaryo_shared.service import run_worker
from ocr_service.bootstrap import OUTBOX_COLLECTIONS, bootstrap
from ocr_service.handlers import handlers
from ocr_service.settings import OcrSettings


def work(index: int) -> None:
    """The supervisor serves the metrics port for all its processes (docs: jaryo_shared.metrics)."""
    settings = OcrSettings().model_copy(update={"metrics_port": 0})
    deps = bootstrap(settings)
    run_worker(settings, "ocr", deps, handlers(deps), outboxes=OUTBOX_COLLECTIONS)
