"""The webhook service's settings."""

from __future__ import annotations

from pydantic import Field

from jaryo_shared.settings import Settings

# About 24 h in all (85 355 s, 23.7 h, and the time the attempts take): then the delivery gives up.
DEFAULT_RETRY_DELAYS: list[float] = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800]


class WebhookSettings(Settings):
    service_name: str = "webhook-service"
    webhooks_allow_local: bool = Field(
        default=False,
        description="local use only: callback URLs may use http and loopback or private "
        "addresses (never link-local ones); the gateway has the same setting",
    )
    webhook_retry_delays_seconds: list[float] = Field(
        default_factory=lambda: list(DEFAULT_RETRY_DELAYS),
        min_length=0,
        max_length=30,
        description="the wait before each retry of a failed delivery; after the last one the "
        "delivery gives up and the webhook is marked failing",
    )
    webhook_connect_timeout_seconds: float = Field(default=3.0, gt=0, le=30)
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=60, description="longest one attempt may take, answer included"
    )
    webhook_max_answer_bytes: int = Field(
        default=64 * 1024, ge=0, description="of a receiver's answer body, read at most this"
    )
    webhook_senders: int = Field(
        default=8,
        ge=1,
        le=64,
        description="deliveries in flight at once (one consumer each): a slow receiver holds "
        "one of them for at most the timeout (a watchdog keeps it)",
    )
    webhook_senders_per_user: int = Field(
        default=4,
        ge=1,
        le=64,
        description="of those, at most this many on one person's deliveries at once: the others "
        "stay for everyone else",
    )
    webhook_share_wait_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="a job whose person has their share of the senders in flight waits this "
        "long in the broker, then comes back",
    )

    def wait_delays(self) -> list[float]:
        """Every wait a job may be put to: the retries', and the share's."""
        return [*self.webhook_retry_delays_seconds, self.webhook_share_wait_seconds]
