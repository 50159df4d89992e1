"""`python -m webhook_service`: deliver the events people subscribed to, until SIGTERM."""

from __future__ import annotations

import logging
import signal

from jaryo_shared import metrics
from jaryo_shared.logs import configure_logging
from webhook_service.bootstrap import bootstrap
from webhook_service.service import WebhookService
from webhook_service.settings import WebhookSettings

log = logging.getLogger(__name__)


def main() -> None:
    settings = WebhookSettings()
    configure_logging(settings.service_name, settings.log_level)
    metrics.serve(settings.metrics_port, settings.metrics_address)
    deps = bootstrap(settings)
    service = WebhookService(deps)

    def stop(signum: int, _frame: object) -> None:
        log.info(
            "received %s: finishing the deliveries in hand, then stopping",
            signal.Signals(signum).name,
        )
        service.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    service.start()
    try:
        service.wait()
    finally:
        service.close()
        deps.close()
    log.info("%s stopped", settings.service_name)


if __name__ == "__main__":
    main()
