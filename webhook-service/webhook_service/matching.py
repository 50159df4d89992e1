"""Which webhooks get an event: the ones of the person the event is about that subscribed to
its type. Nobody else's hook ever sees it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jaryo_shared import webhook_events

Hook = Mapping[str, Any]


def subscribed(hooks: Iterable[Hook], event_type: str, user_id: str) -> list[Hook]:
    """The hooks among `hooks` owned by `user_id` that subscribed to events of `event_type`."""
    name = webhook_events.short_name(event_type)
    if name is None:
        return []
    return [
        hook
        for hook in hooks
        if hook.get("user_id") == user_id and name in (hook.get("events") or ())
    ]
