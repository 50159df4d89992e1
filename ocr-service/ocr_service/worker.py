"""One OCR worker process: consume the ocr queue until SIGTERM."""

from __future__ import annotations

from functools import partial

from jaryo_shared import events
from jaryo_shared.service import run_worker
from ocr_service.bootstrap import bootstrap
from ocr_service.handlers import handle_upload_received
from ocr_service.settings import OcrSettings


def work(index: int) -> None:
    """Only the first process serves the metrics port (one port per pod)."""
    settings = OcrSettings()
    if index:
        settings = settings.model_copy(update={"metrics_port": 0})
    deps = bootstrap(settings)
    handlers = {events.UploadReceived.event_type: partial(handle_upload_received, deps)}
    run_worker(settings, "ocr", handlers)  # type: ignore[arg-type]
