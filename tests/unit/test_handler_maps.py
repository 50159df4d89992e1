"""Each worker's one map of events to handlers (`<service>.handlers.handlers`, which `__main__`
and the tests both run): it handles exactly what the broker routes to the service's queue, and
binds the service's collaborators to each handler."""

from __future__ import annotations

from types import ModuleType

import pytest

import deck_service.handlers
import ocr_service.handlers
import storage_service.handlers
import webhook_service.handlers
from jaryo_shared import events, webhook_events
from jaryo_shared.topology import SERVICE_QUEUES

# Each service's handler of each event type it takes.
SERVICES: dict[str, tuple[ModuleType, dict[str, str]]] = {
    "storage": (
        storage_service.handlers,
        {
            events.ImageReceived.event_type: "handle_image_received",
            events.UploadReceived.event_type: "handle_upload_received",
        },
    ),
    "ocr": (
        ocr_service.handlers,
        {
            events.ImageReceived.event_type: "handle_image_received",
            events.UploadReceived.event_type: "handle_upload_received",
        },
    ),
    "deck": (
        deck_service.handlers,
        {events.DeckRequested.event_type: "handle_deck_requested"},
    ),
    "webhook": (
        webhook_service.handlers,
        {cls.event_type: "handle_event" for cls in webhook_events.SUBSCRIBABLE.values()},
    ),
}


def test_every_consuming_service_has_a_handler_map():
    consumers = {name for name, spec in SERVICE_QUEUES.items() if spec.routing_keys}
    assert consumers == set(SERVICES)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_handles_exactly_the_events_its_queue_is_bound_to(service):
    module, _ = SERVICES[service]

    handled = module.handlers(object())

    routed = {events.EVENT_TYPES[event_type].routing_key() for event_type in handled}
    assert routed == set(SERVICE_QUEUES[service].routing_keys)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_handler_in_the_map_is_given_the_services_collaborators(service, monkeypatch):
    module, names = SERVICES[service]
    calls: list[tuple[object, ...]] = []
    for name in names.values():
        monkeypatch.setattr(module, name, lambda *args, name=name: calls.append((name, *args)))
    deps, envelope, payload = object(), object(), object()

    handler_map = module.handlers(deps)
    for event_type in names:
        handler_map[event_type](envelope, payload)

    assert calls == [(name, deps, envelope, payload) for name in names.values()]
