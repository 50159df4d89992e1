"""`python -m ocr_service`: `ocr_workers` processes consuming the ocr queue until SIGTERM."""

from __future__ import annotations

from jaryo_shared import metrics
from jaryo_shared.logs import configure_logging
from jaryo_shared.supervisor import supervise
from ocr_service.settings import OcrSettings
from ocr_service.worker import work


def main() -> None:
    settings = OcrSettings()
    configure_logging(settings.service_name, settings.log_level)
    if settings.ocr_max_attempts >= settings.delivery_limit:
        raise SystemExit(
            "JARYO_OCR_MAX_ATTEMPTS must be below JARYO_DELIVERY_LIMIT, or the broker dead-letters "
            "a crashing image's message before the service can mark it failed"
        )
    with metrics.multiprocess_dir():  # before the workers start: they inherit it
        metrics.serve(settings.metrics_port, settings.metrics_address)
        supervise(settings.ocr_workers, work, on_exit=metrics.process_exited)


if __name__ == "__main__":
    main()
