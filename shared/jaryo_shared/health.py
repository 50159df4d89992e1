"""Readiness checks of the three servers every service needs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from kombu import Connection
from pymongo import MongoClient

from jaryo_shared.objectstore import ObjectStore

log = logging.getLogger(__name__)

Check = Callable[[], None]


def mongodb_check(client: MongoClient) -> Check:
    def check() -> None:
        client.admin.command("ping")

    return check


def rabbitmq_check(amqp_url: str) -> Check:
    def check() -> None:
        with Connection(amqp_url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)

    return check


def s3_check(store: ObjectStore, bucket: str) -> Check:
    return lambda: store.ping(bucket)


def run_checks(checks: dict[str, Check], timeout: float = 3.0) -> dict[str, str]:
    """Run every check in parallel; each maps to "ok" or "down: <reason>"."""
    results: dict[str, str] = {}
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    try:
        futures = {name: pool.submit(check) for name, check in checks.items()}
        for name, future in futures.items():
            try:
                future.result(timeout=timeout)
                results[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
                log.warning("readiness check %s failed: %s", name, exc)
                results[name] = f"down: {type(exc).__name__}"
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a hung check must not hang /readyz
    return results
