"""The events a person's webhook may subscribe to, by the short names the API uses
(`upload.completed`): each is about one person's resource (its payload names the `user_id`),
and only that person's webhooks receive it."""

from __future__ import annotations

from jaryo_shared import events

SUBSCRIBABLE: dict[str, type[events.Payload]] = {
    cls.routing_key().rsplit(".", 1)[0]: cls
    for cls in (
        events.UploadCompleted,
        events.OcrCompleted,
        events.DeckCompleted,
        events.DeckFailed,
        events.DeckPreviewsReady,
        events.DeckPdfRendered,
        events.UploadExpired,
        events.DeckExpired,
    )
}
NAMES = tuple(SUBSCRIBABLE)


def short_name(event_type: str) -> str | None:
    """`jaryo.upload.completed.v1` -> `upload.completed`; None for an event no webhook gets."""
    for name, cls in SUBSCRIBABLE.items():
        if cls.event_type == event_type:
            return name
    return None


def routing_keys() -> tuple[str, ...]:
    """What the webhook service's queue is bound to."""
    return tuple(cls.routing_key() for cls in SUBSCRIBABLE.values())
