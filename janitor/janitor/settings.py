"""The janitor's settings: each retention policy with its default."""

from __future__ import annotations

from pydantic import Field

from jaryo_shared.settings import Settings


class JanitorSettings(Settings):
    service_name: str = "janitor"
    staging_retention_hours: float = Field(default=24, gt=0, description="staged files")
    deleted_grace_minutes: float = Field(default=10, ge=0, description="after a user's DELETE")
    stuck_minutes: float = Field(default=60, gt=0, description="processing longer is failed")
    stuck_deck_minutes: float = Field(
        default=15, gt=0, description="a deck not built this long after it was asked for is failed"
    )
    webhook_attempts_days: float = Field(
        default=7, gt=0, description="webhook delivery attempts kept"
    )
    orphan_hours: float = Field(default=24, gt=0, description="objects with no document")
    interval_seconds: float = Field(default=300, gt=0, description="between runs (service mode)")
    lease_seconds: float = Field(default=120, gt=0, description="renewed while working")
    lease_wait_seconds: float = Field(
        default=60, ge=0, description="how long a second janitor waits for the lease"
    )
