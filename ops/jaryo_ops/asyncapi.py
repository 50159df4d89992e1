"""The AsyncAPI 3.0 document of Jaryo's events, generated from the pydantic models in
`jaryo_shared.events` so the published contract cannot drift from what the services send.

    python -m jaryo_ops.asyncapi > docs/asyncapi.yaml     (`make asyncapi` does this)

Each event type is one channel (its routing key on the topic exchange), one message and one
JSON Schema: the CloudEvents envelope with `type` and `source` pinned and `data` the payload.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from jaryo_shared import events, webhook_events

REF = "#/components/schemas/{model}"
EXCHANGE = {
    "name": "jaryo.events",
    "type": "topic",
    "durable": True,
    "autoDelete": False,
    "vhost": "/",
}


def _name(event_type: str) -> str:
    """`jaryo.upload.completed.v1` → `UploadCompletedV1`."""
    words = re.split(r"[._]", event_type.removeprefix(events.TYPE_PREFIX))
    return "".join(word[:1].upper() + word[1:] for word in words)


def _text(model: type) -> str:
    return " ".join((model.__doc__ or "").split())


def event_schema(model: type[events.Payload]) -> dict[str, Any]:
    """The JSON Schema of one event on the wire: the envelope with this type's payload."""
    return {
        "title": f"{model.event_type} event",
        "allOf": [
            {"$ref": REF.format(model="Envelope")},
            {
                "type": "object",
                "required": ["type", "source", "data"],
                "properties": {
                    "type": {"const": model.event_type},
                    "source": {"enum": list(model.emitted_by)},
                    "data": {"$ref": REF.format(model=model.__name__)},
                },
            },
        ],
    }


def _message(event_type: str, model: type[events.Payload], name: str) -> dict[str, Any]:
    message = {
        "name": event_type,
        "title": event_type,
        "summary": _text(model),
        "contentType": events.CONTENT_TYPE,
        "payload": {"$ref": REF.format(model=f"{name}Event")},
        "x-emitted-by": list(model.emitted_by),
    }
    webhook = webhook_events.short_name(event_type)
    if webhook is not None:  # also POSTed to the owner's webhooks that subscribed to it
        message["x-webhook-event"] = webhook
    return message


def _channel(event_type: str, model: type[events.Payload], name: str) -> dict[str, Any]:
    return {
        "address": model.routing_key(),
        "description": f"Routing key of `{event_type}` on the `jaryo.events` topic exchange.",
        "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        "bindings": {
            "amqp": {"is": "routingKey", "exchange": {**EXCHANGE}, "bindingVersion": "0.3.0"}
        },
    }


def _operation(model: type[events.Payload], name: str) -> dict[str, Any]:
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{name}"},
        "summary": f"Published by {', '.join(model.emitted_by)}.",
        "messages": [{"$ref": f"#/channels/{name}/messages/{name}"}],
    }


def _header() -> dict[str, Any]:
    """What the document says of itself: info, content type, servers."""
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Jaryo events",
            "version": "1.0.0",
            "description": (
                "Events Jaryo publishes as CloudEvents 1.0 (structured mode) on the topic "
                "exchange `jaryo.events`. The routing key is the type without `jaryo.`. "
                "Delivery is at least once: deduplicate by the envelope's `id`. Additive "
                "changes keep a type's version; anything else is a new type (`.v2`) published "
                "beside the old one until consumers move (docs/events.md). The messages with an "
                "`x-webhook-event` are also POSTed, as they are, to the webhooks their owner "
                "subscribed to them by that name (docs/webhooks.md). Generated from "
                "shared/jaryo_shared/events.py by `make asyncapi`: do not edit by hand."
            ),
        },
        "defaultContentType": events.CONTENT_TYPE,
        "servers": {
            "local": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
                "description": "`make up`; in a cluster, the RabbitMQ the operators run.",
            }
        },
    }


def document() -> dict[str, Any]:
    models: list[type[BaseModel]] = [events.Envelope, *events.EVENT_TYPES.values()]
    _, definitions = models_json_schema(
        [(model, "serialization") for model in models], ref_template=REF
    )
    schemas: dict[str, Any] = dict(sorted(definitions["$defs"].items()))
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, model in events.EVENT_TYPES.items():
        name = _name(event_type)
        schemas[f"{name}Event"] = event_schema(model)
        messages[name] = _message(event_type, model, name)
        channels[name] = _channel(event_type, model, name)
        operations[f"publish{name}"] = _operation(model, name)
    return {
        **_header(),
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def render() -> str:
    header = "# Generated by `make asyncapi` from shared/jaryo_shared/events.py. Do not edit.\n"
    return header + yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    sys.stdout.write(render())
