"""A consumer of Jaryo's events, as another team would write it: pika, no Jaryo code.

It declares its own durable quorum queue, binds it to the `jaryo.events` topic exchange for the
two events it cares about, prints each one as a line of JSON and acknowledges it after printing.
Run it against `make up`'s broker:

    pip install pika==1.4.4
    python examples/consumer/consumer.py

Settings (environment): AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2F),
JARYO_EXCHANGE (jaryo.events), QUEUE (example-team.jaryo-events), MAX_EVENTS (stop after that
many; 0 runs until Ctrl-C). The queue outlives the consumer: events published while it is down
wait for it. Delivery is at least once, so a real consumer deduplicates by the event's `id`.
"""

from __future__ import annotations

import json
import os
import sys

import pika

ROUTING_KEYS = ("upload.completed.v1", "deck.completed.v1")


def main() -> int:
    url = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    exchange = os.environ.get("JARYO_EXCHANGE", "jaryo.events")
    queue = os.environ.get("QUEUE", "example-team.jaryo-events")
    max_events = int(os.environ.get("MAX_EVENTS", "0"))

    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    # Jaryo declares the exchange; declaring it again with the same arguments is harmless and
    # lets this consumer start first.
    channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
    channel.queue_declare(queue=queue, durable=True, arguments={"x-queue-type": "quorum"})
    for key in ROUTING_KEYS:
        channel.queue_bind(queue=queue, exchange=exchange, routing_key=key)
    channel.basic_qos(prefetch_count=10)
    print(f"listening on {queue} for {', '.join(ROUTING_KEYS)}", file=sys.stderr, flush=True)

    seen = 0

    def on_message(ch, method, properties, body: bytes) -> None:
        nonlocal seen
        event = json.loads(body)  # a CloudEvents 1.0 envelope: id, type, subject, data, ...
        line = {
            "id": event["id"],
            "type": event["type"],
            "subject": event.get("subject"),
            "correlationid": event.get("correlationid"),
            "data": event["data"],
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)
        ch.basic_ack(delivery_tag=method.delivery_tag)
        seen += 1
        if max_events and seen >= max_events:
            ch.stop_consuming()

    channel.basic_consume(queue=queue, on_message_callback=on_message)
    try:
        channel.start_consuming()
    except KeyboardInterrupt:
        channel.stop_consuming()
    connection.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
