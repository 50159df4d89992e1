"""Wires the gateway's collaborators, in one place, when the app is created (never at import)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from kombu import Connection
from pymongo import MongoClient
from pymongo.database import Database

from gateway.auth.tokens import TokenService
from gateway.progress import Progress
from gateway.settings import GatewaySettings
from jaryo_shared import database, health, messaging, objectstore
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.slots import Slots
from jaryo_shared.topology import Topology

EXTENSION = "jaryo"  # the key of the app's Dependencies in app.extensions


@dataclass
class Dependencies:
    settings: GatewaySettings
    mongo: MongoClient
    db: Database
    store: objectstore.ObjectStore
    broker: Connection
    publisher: messaging.Publisher
    tokens: TokenService
    progress: Progress
    exports: Slots  # one per export streaming (gateway/account/export_routes.py)
    clock: Clock = field(default_factory=SystemClock)

    def readiness_checks(self) -> dict[str, health.Check]:
        return {
            "mongodb": health.mongodb_check(self.mongo),
            "rabbitmq": health.rabbitmq_check(self.settings.amqp_url),
            "s3": health.s3_check(self.store, self.settings.bucket_staging),
        }

    def close(self) -> None:
        self.progress.stop()
        self.publisher.close()
        self.mongo.close()


def bootstrap(settings: GatewaySettings) -> Dependencies:
    mongo = database.connect(settings)
    broker = messaging.connect(settings)
    return Dependencies(
        settings=settings,
        mongo=mongo,
        db=database.database(mongo, settings),
        store=objectstore.ObjectStore(objectstore.client(settings)),
        broker=broker,
        # One quick retry: a request must not hang on a broker that is down; the outbox relay
        # publishes what the request could not.
        publisher=messaging.Publisher(broker, Topology(settings), max_retries=1),
        tokens=TokenService(
            settings.jwt_secret.get_secret_value(),
            settings.jwt_issuer,
            settings.jwt_audience,
            previous_secrets=[s.get_secret_value() for s in settings.jwt_previous_secrets],
        ),
        progress=Progress(
            settings,
            max_waiters=settings.progress_max_waiters,
            max_waiters_per_user=settings.progress_max_waiters_per_user,
            fallback_seconds=settings.progress_fallback_seconds,
        ),
        exports=Slots(
            max_total=settings.export_max_streams,
            max_per_user=settings.export_max_streams_per_user,
        ),
    )


def current_deps() -> Dependencies:
    """The Dependencies of the app serving this request (create_app put them there)."""
    deps: Dependencies = current_app.extensions[EXTENSION]
    return deps
