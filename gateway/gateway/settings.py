"""The gateway's settings: the shared ones plus what only the public door needs."""

from __future__ import annotations

from pydantic import Field

from jaryo_shared.settings import Settings


class GatewaySettings(Settings):
    service_name: str = "gateway"
    outbox_relay_interval_seconds: float = Field(default=5.0, gt=0)
