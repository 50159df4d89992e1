"""The webhook service's own Prometheus metrics (the per-queue ones are in jaryo_shared.metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

DELIVERY_ATTEMPTS = Counter(
    "jaryo_webhook_attempts_total",
    "Delivery attempts, by outcome: delivered, failed (retried later), gave_up, refused",
    ["outcome"],
)
SHARE_WAITS = Counter(
    "jaryo_webhook_share_waits_total",
    "Delivery jobs put back to wait because their person had their share of the senders",
)
ATTEMPT_SECONDS = Histogram(
    "jaryo_webhook_attempt_seconds",
    "Time of one delivery attempt (connect, send, answer), by outcome",
    ["outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10),
)
