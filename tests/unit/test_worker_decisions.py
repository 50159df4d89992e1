"""What the consume loop (jaryo_shared.messaging.Worker) does with each message: ack it once its
handler returned; dead-letter it, with the reason, when the handler says it can never succeed or
the message cannot be handled at all; requeue it on any other failure; and hold on to it while a
server the handler needs is out of reach, instead of spending its deliveries.

A fake kombu message records what the worker did with it; its fake channel records what was
published on it (the dead-letter copy) and the heartbeats sent while the worker waited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from pymongo.errors import ServerSelectionTimeoutError

from jaryo_shared import events
from jaryo_shared.messaging import PermanentError, Worker
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology

SETTINGS = Settings(dead_letter_exchange="jaryo.dead", queue_prefix="jaryo")
QUEUE = Topology(SETTINGS).queue("storage")


@dataclass
class FakeConnection:
    heartbeats: int = 0

    def send_heartbeat(self) -> None:
        self.heartbeats += 1


@dataclass
class FakeChannel:
    """Enough of a kombu channel for a kombu Producer to publish on."""

    published: list[dict[str, Any]] = field(default_factory=list)
    connection: FakeConnection = field(default_factory=FakeConnection)

    def prepare_message(self, body: bytes, *args: Any, **_kwargs: Any) -> dict[str, Any]:
        _priority, content_type, _encoding, headers, properties = args
        return {"body": body, "content_type": content_type, "headers": headers, **properties}

    def basic_publish(self, message: dict[str, Any], exchange: str, routing_key: str, **_: Any):
        self.published.append({**message, "exchange": exchange, "routing_key": routing_key})


@dataclass
class FakeMessage:
    """A delivered message that records the one decision taken on it."""

    body: bytes
    headers: dict[str, Any] = field(default_factory=dict)
    channel: FakeChannel = field(default_factory=FakeChannel)
    content_type: str = events.CONTENT_TYPE
    content_encoding: str = "utf-8"
    properties: dict[str, Any] = field(default_factory=lambda: {"message_id": "m-1"})
    decisions: list[str] = field(default_factory=list)

    def ack(self) -> None:
        self.decisions.append("ack")

    def requeue(self) -> None:
        self.decisions.append("requeue")

    def reject(self, requeue: bool = False) -> None:
        self.decisions.append("reject, requeue" if requeue else "reject")


def _received() -> bytes:
    payload = events.UploadReceived(
        upload_id="u1",
        user_id="alice",
        image_type="eng-printed",
        images=[events.ReceivedImage(image_id="i1", image_name="a.png", staging_key="k", size=1)],
    )
    return events.wrap(payload, source="tests", subject="u1").model_dump_json().encode()


class Handler:
    """Raises each of `failures` in turn, then returns."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    def __call__(self, envelope: events.Envelope, payload: events.Payload) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)


def _deliver(
    handler: Handler | None, body: bytes | None = None, *, patience: float = 60.0
) -> FakeMessage:
    handlers = {} if handler is None else {events.UploadReceived.event_type: handler}
    worker = Worker(
        None,  # type: ignore[arg-type]  # on_message never touches the connection
        QUEUE,
        handlers,
        retry_delay_seconds=0,
        outage_patience_seconds=patience,
    )
    message = FakeMessage(body if body is not None else _received())
    worker.on_message(message)  # type: ignore[arg-type]
    return message


def test_message_whose_handler_returned_is_acked_once():
    handler = Handler()
    message = _deliver(handler)
    assert message.decisions == ["ack"]
    assert handler.calls == 1
    assert message.channel.published == []


def test_permanent_failure_is_dead_lettered_at_once_with_its_reason_and_acked_once():
    message = _deliver(Handler(PermanentError("not an image: truncated PNG")))

    [copy] = message.channel.published
    assert (copy["exchange"], copy["routing_key"]) == ("jaryo.dead", "jaryo.storage")
    assert copy["headers"]["x-jaryo-reason"] == "not an image: truncated PNG"
    assert copy["body"] == message.body
    assert copy["message_id"] == "m-1"
    assert message.decisions == ["ack"]  # the original, once its copy is in the dead letters


def test_a_very_long_reason_is_cut_to_a_thousand_characters():
    message = _deliver(Handler(PermanentError("x" * 5000)))
    assert len(message.channel.published[0]["headers"]["x-jaryo-reason"]) == 1000


def test_transient_failure_is_requeued_not_acked_nor_dead_lettered():
    message = _deliver(Handler(RuntimeError("a bug, or a hiccup")))
    assert message.decisions == ["requeue"]
    assert message.channel.published == []


def test_unreadable_message_is_dead_lettered_without_calling_a_handler():
    handler = Handler()
    message = _deliver(handler, b"{not json")
    assert message.decisions == ["reject"]
    assert handler.calls == 0


def test_event_the_service_has_no_handler_for_is_dead_lettered():
    message = _deliver(None)
    assert message.decisions == ["reject"]


@pytest.mark.parametrize(
    "outage",
    [
        ConnectionRefusedError("broker refused"),
        ServerSelectionTimeoutError("database unreachable"),
    ],
    ids=["broker", "database"],
)
def test_a_server_out_of_reach_is_waited_out_with_the_message_in_hand(outage: Exception):
    handler = Handler(outage)
    message = _deliver(handler)
    assert message.decisions == ["ack"]  # no delivery spent, nothing dead-lettered
    assert handler.calls == 2
    assert message.channel.connection.heartbeats == 1  # the broker kept hearing from us


def test_an_outage_longer_than_the_patience_requeues_the_message():
    handler = Handler(ConnectionRefusedError("broker refused"), ConnectionRefusedError("still"))
    message = _deliver(handler, patience=0)
    assert message.decisions == ["requeue"]
    assert handler.calls == 1


def test_a_worker_told_to_stop_during_an_outage_requeues_the_message_at_once():
    worker = Worker(None, QUEUE, {}, retry_delay_seconds=0)  # type: ignore[arg-type]
    handler = Handler(ConnectionRefusedError("broker refused"))
    worker.handlers[events.UploadReceived.event_type] = handler
    worker.stop()
    message = FakeMessage(_received())
    worker.on_message(message)  # type: ignore[arg-type]
    assert message.decisions == ["requeue"]
    assert handler.calls == 1
