"""The one settings object, read from the environment (prefix JARYO_) once at start-up."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Infrastructure every service shares. Services subclass it to add their own fields."""

    model_config = SettingsConfigDict(env_prefix="JARYO_", extra="ignore")

    service_name: str = "jaryo"
    log_level: str = "INFO"

    mongo_url: str = "mongodb://127.0.0.1:27017/"
    mongo_db: str = "jaryo"
    mongo_timeout_ms: int = 3000
    mongo_socket_timeout_ms: int = Field(
        default=30_000, gt=0, description="a reply the database never sends fails after this"
    )

    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672//"
    exchange: str = "jaryo.events"
    dead_letter_exchange: str = "jaryo.dead"
    queue_prefix: str = "jaryo"
    delivery_limit: int = Field(default=5, ge=1, description="deliveries before dead-lettering")
    prefetch: int = Field(default=1, ge=1)
    retry_delay_seconds: float = Field(default=1.0, ge=0)
    outbox_relay_interval_seconds: float = Field(
        default=5.0, gt=0, description="how often each service publishes the events it left owed"
    )

    s3_endpoint: str = "127.0.0.1:8333"
    s3_access_key: SecretStr = SecretStr("")
    s3_secret_key: SecretStr = SecretStr("")
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    bucket_staging: str = "jaryo-staging"
    bucket_images: str = "jaryo-images"
    bucket_decks: str = "jaryo-decks"

    metrics_port: int = Field(default=0, ge=0, le=65535, description="0 turns metrics off")
    metrics_address: str = Field(
        default="0.0.0.0",  # noqa: S104 - in a cluster the scraper is another pod
        description="the address /metrics binds; 127.0.0.1 on a developer's machine",
    )

    retention_days: float = Field(
        default=30, ge=0, description="uploads and decks are purged after this; 0 keeps them"
    )

    @property
    def buckets(self) -> list[str]:
        return [self.bucket_staging, self.bucket_images, self.bucket_decks]
