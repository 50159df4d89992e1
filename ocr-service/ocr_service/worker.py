"""One OCR worker process: consume the ocr queue until SIGTERM."""

from __future__ import annotations

from functools import partial

from jaryo_shared import events
from jaryo_shared.service import run_worker
from ocr_service.bootstrap import bootstrap
from ocr_service.handlers import handle_upload_received
from ocr_service.settings import OcrSettings


def work(index: int) -> None:
    """The supervisor serves the metrics port for all its processes (docs: jaryo_shared.metrics)."""
    settings = OcrSettings().model_copy(update={"metrics_port": 0})
    deps = bootstrap(settings)
    handlers = {events.UploadReceived.event_type: partial(handle_upload_received, deps)}
    run_worker(settings, "ocr", handlers)  # type: ignore[arg-type]
