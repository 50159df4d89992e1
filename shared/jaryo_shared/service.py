"""Running a worker service: logs, metrics port, its outbox relay, the consume loop, and a clean
stop on SIGTERM."""

from __future__ import annotations

import logging
import signal
from collections.abc import Sequence

from jaryo_shared import messaging, metrics
from jaryo_shared.logs import configure_logging
from jaryo_shared.outbox_relay import OutboxRelay, Wired
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology

log = logging.getLogger(__name__)


def run_worker(
    settings: Settings,
    service: str,
    deps: Wired,
    handlers: dict[str, messaging.Handler],
    *,
    outboxes: Sequence[str],
) -> None:
    """Consume the service's queue until SIGTERM/SIGINT, relaying the outboxes of the
    collections it writes events into meanwhile; the message in hand is finished first."""
    configure_logging(settings.service_name, settings.log_level)
    metrics.serve(settings.metrics_port, settings.metrics_address)
    topology = Topology(settings)
    relay = OutboxRelay(deps, outboxes, interval_seconds=settings.outbox_relay_interval_seconds)
    with messaging.connect(settings) as connection:
        worker = messaging.Worker(
            connection,
            topology.queue(service),
            handlers,
            prefetch=settings.prefetch,
            retry_delay_seconds=settings.retry_delay_seconds,
        )
        _stop_on_signals(worker)
        relay.start()
        log.info("%s consuming %s", settings.service_name, topology.queue_name(service))
        try:
            worker.run()
        finally:
            relay.stop()
    log.info("%s stopped", settings.service_name)


def _stop_on_signals(worker: messaging.Worker) -> None:
    def stop(signum: int, _frame: object) -> None:
        log.info(
            "received %s: finishing the message in hand, then stopping",
            signal.Signals(signum).name,
        )
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
