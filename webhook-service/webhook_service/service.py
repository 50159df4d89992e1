"""Running the webhook service's consumers: one on the events, and `webhook_senders` on the
delivery jobs, each on its own connection with one job in hand at a time. A receiver that is
slow or never answers holds one sender for at most the attempt's timeout; the others go on."""

from __future__ import annotations

import logging
import threading

from jaryo_shared import messaging
from jaryo_shared.topology import Topology
from webhook_service.bootstrap import Dependencies
from webhook_service.consuming import MessageWorker
from webhook_service.handlers import delivery_handlers, handlers
from webhook_service.jobs import DELIVERIES_SERVICE, EVENTS_SERVICE, WebhookQueues

log = logging.getLogger(__name__)


class WebhookService:
    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps
        self.workers: list[MessageWorker] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        settings = self.deps.settings
        topology = Topology(settings)
        with messaging.connect(settings) as connection:
            WebhookQueues(settings).declare(connection, settings.wait_delays())
        consumers = [(topology.queue(EVENTS_SERVICE), handlers(self.deps), settings.prefetch)]
        consumers += [
            (topology.queue(DELIVERIES_SERVICE), delivery_handlers(self.deps), 1)
        ] * settings.webhook_senders
        for index, (queue, handler_map, prefetch) in enumerate(consumers):
            connection = messaging.connect(settings)
            worker = MessageWorker(
                connection,
                queue,
                handler_map,
                prefetch=prefetch,
                retry_delay_seconds=settings.retry_delay_seconds,
            )
            thread = threading.Thread(
                target=worker.run, name=f"webhook-consumer-{index}", daemon=True
            )
            self.workers.append(worker)
            self._threads.append(thread)
            thread.start()
        log.info(
            "%s consuming %s with %d senders on %s",
            settings.service_name,
            topology.queue_name(EVENTS_SERVICE),
            settings.webhook_senders,
            topology.queue_name(DELIVERIES_SERVICE),
        )

    def wait(self) -> None:
        """Until every consumer returned (after `stop`); signals are handled meanwhile."""
        for thread in self._threads:
            while thread.is_alive():
                thread.join(timeout=0.5)

    def stop(self) -> None:
        """Each consumer finishes the message in hand, then returns (safe from a signal)."""
        for worker in self.workers:
            worker.stop()

    def close(self, timeout: float = 30) -> None:
        self.stop()
        for thread in self._threads:
            thread.join(timeout=timeout)
        for worker in self.workers:
            worker.connection.release()
