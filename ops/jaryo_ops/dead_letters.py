"""Reading and replaying a service's dead letters: the operator's tool once the cause is fixed.

    python -m jaryo_ops.dead_letters list ocr            what is there, and why
    python -m jaryo_ops.dead_letters replay ocr [--limit N]

A replayed message goes back to that service's queue only (the other services already handled
the event), through the default exchange, with the reason headers removed. It leaves the
dead-letter queue only once the broker has confirmed the copy, so a crash mid-replay can repeat a
message but never lose one; the handlers are idempotent.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Any

from kombu import Producer

from jaryo_shared import messaging
from jaryo_shared.settings import Settings
from jaryo_shared.topology import SERVICE_QUEUES, Topology

REASON_HEADER = "x-jaryo-reason"
_DROPPED_HEADERS = {REASON_HEADER, "x-death", "x-first-death-exchange", "x-first-death-queue",
                    "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
                    "x-last-death-reason", "x-delivery-count"}  # fmt: skip


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    event_type: str | None
    subject: str | None
    reason: str


def _reason(headers: dict[str, Any]) -> str:
    """Ours if the service dead-lettered it; the broker's if it gave up (delivery limit)."""
    if REASON_HEADER in headers:
        return str(headers[REASON_HEADER])
    deaths = headers.get("x-death") or []
    if deaths:
        return f"the broker dead-lettered it: {deaths[0].get('reason')} (delivery limit reached)"
    return "unknown"


def _describe(message: Any) -> DeadLetter:
    try:
        body = json.loads(message.body)
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    return DeadLetter(
        message_id=message.properties.get("message_id"),
        event_type=body.get("type"),
        subject=body.get("subject"),
        reason=_reason(message.headers or {}),
    )


def peek(settings: Settings, service: str, limit: int = 100) -> list[DeadLetter]:
    """Up to `limit` dead letters, oldest first, left where they are."""
    topology = Topology(settings)
    with messaging.connect(settings) as connection:
        channel = connection.channel()
        queue = topology.dead_letter_queue(service)(channel)
        found: list[DeadLetter] = []
        while len(found) < limit and (message := queue.get(no_ack=False)) is not None:
            found.append(_describe(message))
        channel.close()  # never acked: every message goes back, in order
        return found


def replay(settings: Settings, service: str, limit: int | None = None) -> int:
    """Move up to `limit` (all if None) of the dead letters there are now back to the service's
    queue. Only those: a message that fails again comes back to the dead-letter queue behind
    them and waits for the next replay, rather than going round for ever."""
    topology = Topology(settings)
    moved = 0
    with messaging.connect(settings) as connection:
        channel = connection.channel()
        # The default exchange confirms a message it cannot route: make sure the queue is there
        # (a passive declare fails if not) before taking anything off the dead-letter queue.
        topology.queue(service)(channel).queue_declare(passive=True)
        queue = topology.dead_letter_queue(service)(channel)
        waiting = queue.queue_declare(passive=True).message_count
        limit = waiting if limit is None else min(limit, waiting)
        producer = Producer(channel)  # the default exchange: straight to one queue
        while moved < limit:
            message = queue.get(no_ack=False)
            if message is None:
                break
            headers = {
                k: v for k, v in (message.headers or {}).items() if k not in _DROPPED_HEADERS
            }
            producer.publish(
                message.body,
                exchange="",
                routing_key=topology.queue_name(service),
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
                headers={
                    **headers,
                    "x-jaryo-replayed": int(headers.get("x-jaryo-replayed", 0)) + 1,
                },
                message_id=message.properties.get("message_id"),
            )  # returns once the broker confirmed it (messaging.connect asks for confirms)
            message.ack()
            moved += 1
        channel.close()
    return moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jaryo_ops.dead_letters", description=__doc__)
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("service", choices=[s for s in SERVICE_QUEUES if s != "janitor"])
    parser.add_argument("--limit", type=int, default=None, help="at most this many")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "list":
        letters = peek(settings, args.service, args.limit or 100)
        for letter in letters:
            print(f"{letter.message_id}\t{letter.event_type}\t{letter.subject}\t{letter.reason}")
        print(f"{len(letters)} dead letters in {args.service}'s queue", file=sys.stderr)
    else:
        moved = replay(settings, args.service, args.limit)
        print(f"replayed {moved} messages to {Topology(settings).queue_name(args.service)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
