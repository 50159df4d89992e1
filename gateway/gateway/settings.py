"""The gateway's settings: the shared ones plus what only the public door needs."""

from __future__ import annotations

from pydantic import Field, SecretStr

from jaryo_shared.settings import Settings


class GatewaySettings(Settings):
    service_name: str = "gateway"
    outbox_relay_interval_seconds: float = Field(default=5.0, gt=0)

    jwt_secret: SecretStr = Field(
        default=SecretStr(""), description="HS256 signing key, >= 32 bytes"
    )
    jwt_previous_secrets: list[SecretStr] = Field(
        default_factory=list,
        description="keys being rotated out: they still verify, never sign (a JSON list)",
    )
    jwt_issuer: str = "https://jaryo.dev"
    jwt_audience: str = "jaryo-api"
    access_token_seconds: int = Field(default=900, gt=0)
    refresh_token_seconds: int = Field(default=30 * 24 * 3600, gt=0)
    login_failures_allowed: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=300, gt=0)

    max_images_per_upload: int = Field(default=20, ge=1)
    max_image_bytes: int = Field(default=20 * 1000 * 1000, ge=1)
    max_request_bytes: int = Field(default=100 * 1000 * 1000, ge=1)
    max_image_pixels: int = Field(default=64_000_000, gt=0)
    presigned_url_seconds: int = Field(default=300, gt=0)
    max_template_bytes: int = Field(default=20 * 1000 * 1000, ge=1)

    # Requests waiting for an upload (?wait=N, /events) each hold a server thread: keep this
    # below gunicorn's threads per process (JARYO_GATEWAY_THREADS, 64) so others get served.
    progress_max_waiters: int = Field(default=56, ge=0)
    progress_fallback_seconds: float = Field(default=5.0, gt=0, description="re-read if quiet")
    wait_max_seconds: int = Field(default=60, ge=0)
    events_max_seconds: int = Field(default=600, gt=0, description="one SSE stream's lifetime")
