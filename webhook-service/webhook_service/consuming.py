"""The shared worker, letting a handler see the message in hand: its body as received (what a
webhook delivery sends and signs, byte for byte) and its headers (which job it is)."""

from __future__ import annotations

from contextvars import ContextVar

from kombu.transport.base import Message

from jaryo_shared import messaging

_IN_HAND: ContextVar[Message | None] = ContextVar("webhook_message_in_hand", default=None)


class MessageWorker(messaging.Worker):
    def on_message(self, message: Message) -> None:
        token = _IN_HAND.set(message)
        try:
            super().on_message(message)
        finally:
            _IN_HAND.reset(token)


def message_in_hand() -> Message:
    message = _IN_HAND.get()
    if message is None:
        raise RuntimeError("no message in hand: a webhook handler runs inside MessageWorker")
    return message
