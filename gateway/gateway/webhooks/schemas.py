"""What /v1/webhooks reads and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from gateway.schemas import Absent
from jaryo_shared.webhook_events import NAMES
from jaryo_shared.webhook_urls import MAX_URL_CHARS

MAX_DESCRIPTION_CHARS = 200
MAX_EVENTS_LISTED = 100  # duplicates are folded; this only bounds what a body may send
MAX_DELIVERIES = 100


def _subscribable(name: str) -> str:
    if name not in NAMES:
        raise ValueError(f"not an event a webhook may subscribe to; one of: {', '.join(NAMES)}")
    return name


EventName = Annotated[
    str,
    AfterValidator(_subscribable),
    WithJsonSchema({"type": "string", "enum": list(NAMES)}),
]
WebhookStatus = Literal["active", "failing"]
Outcome = Literal["delivered", "failed", "gave_up", "refused"]


class NewWebhook(BaseModel):
    """A callback URL and the events it is called for."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=1,
        max_length=MAX_URL_CHARS,
        description="https, on a host whose every address is public (checked after DNS "
        "resolution); http and loopback or private addresses only where the gateway allows "
        "local use (JARYO_WEBHOOKS_ALLOW_LOCAL)",
    )
    events: list[EventName] = Field(
        min_length=1,
        max_length=MAX_EVENTS_LISTED,
        description="the events to be called for (duplicates are folded)",
    )
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION_CHARS)] | None = Field(
        None, description="the caller's own note"
    )


class Webhook(BaseModel):
    """A webhook of the caller's, without its secret (only the answer that made it has that)."""

    id: str
    url: str
    events: list[EventName] = Field(description="sorted, each once")
    description: str | None
    status: WebhookStatus = Field(
        description="`failing` once deliveries to it keep failing (the webhook service marks "
        "it; see `failing_since` and the deliveries), `active` otherwise"
    )
    failing_since: datetime | None = Field(description="when its deliveries started failing")
    created_at: datetime


class CreatedWebhook(Webhook):
    secret: str = Field(
        description="`whsec_` and 32 random bytes in base64: each delivery is signed with it. "
        "Shown only in this answer; keep it"
    )


class WebhookPage(BaseModel):
    items: list[Webhook]
    next_cursor: str | None


class DeliveriesQuery(BaseModel):
    """`?limit` of GET /v1/webhooks/{id}/deliveries."""

    limit: Annotated[int, Field(ge=1, le=MAX_DELIVERIES)] | Absent = Field(
        None, description=f"at most this many attempts ({MAX_DELIVERIES} if not given)"
    )


class Delivery(BaseModel):
    """One attempt to deliver one event to the webhook."""

    event_id: str
    event_type: str = Field(description="the event's short name, e.g. `deck.completed`")
    attempt: int = Field(ge=1, description="1 for the first attempt at this event")
    at: datetime
    status_code: int | None = Field(description="the receiver's HTTP status; null if none came")
    error: str | None = Field(description="what went wrong, if anything")
    outcome: Outcome = Field(
        description="`delivered` (a 2xx), `failed` (to be tried again at `next_attempt_at`), "
        "`gave_up` (the last attempt failed) or `refused` (the URL was not allowed when sending)"
    )
    next_attempt_at: datetime | None
    duration_ms: int = Field(ge=0, description="how long the attempt took, in milliseconds")


class Deliveries(BaseModel):
    items: list[Delivery] = Field(description="the most recent attempts, newest first")
