"""What the webhook service does with each message.

An event (its `webhook` queue): find the hooks of the person it is about that subscribed to it,
and put one delivery job per hook on the deliveries queue, so that a slow receiver holds up only
its own deliveries. A job (the `webhook.deliveries` queue): one attempt to POST the event to one
hook, recorded; after a failure the job goes to the wait queue of the next delay, after the last
delay the delivery gives up and the hook is marked failing. A hook deleted meanwhile, or no
longer subscribed, gets nothing more. A person has a share of the senders
(`webhook_senders_per_user`): a job of theirs beyond it waits a moment in the broker and comes
back, so one person's slow receivers leave the other senders to everyone else.

Delivery is at least once: a worker stopped after a POST but before its record and ack sends the
same event again, with the same `webhook-id`, which receivers use to drop duplicates.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jaryo_shared import account_deletions, events, messaging, webhook_events, webhook_urls
from jaryo_shared.slots import NoSlotFree, NoSlotFreeForUser
from webhook_service import backoff, matching, metrics, records, sending, signing
from webhook_service.bootstrap import Dependencies
from webhook_service.consuming import message_in_hand
from webhook_service.jobs import Job

log = logging.getLogger(__name__)

USER_AGENT = "Jaryo-Webhooks/1"


def handlers(deps: Dependencies) -> dict[str, messaging.Handler]:
    """The `webhook` queue's: every event a webhook may subscribe to."""

    def on_event(envelope: events.Envelope, payload: events.Payload) -> None:
        handle_event(deps, envelope, payload)

    return {cls.event_type: on_event for cls in webhook_events.SUBSCRIBABLE.values()}


def delivery_handlers(deps: Dependencies) -> dict[str, messaging.Handler]:
    """The `webhook.deliveries` queue's: a job carries one of those events."""

    def on_job(envelope: events.Envelope, payload: events.Payload) -> None:
        message = message_in_hand()
        try:
            job = Job.from_headers(message.headers)
        except ValueError as exc:
            raise messaging.PermanentError(str(exc)) from exc
        handle_delivery(deps, envelope, payload, _body(), job)

    return {cls.event_type: on_job for cls in webhook_events.SUBSCRIBABLE.values()}


def _body() -> bytes:
    body = message_in_hand().body
    return body if isinstance(body, bytes) else str(body).encode()


def handle_event(
    deps: Dependencies,
    envelope: events.Envelope,
    payload: events.Payload,
    body: bytes | None = None,
) -> None:
    """`body`: the event as received (by default the message in hand's)."""
    user_id = getattr(payload, "user_id", None)
    if not isinstance(user_id, str) or account_deletions.recorded(deps.db, user_id):
        return  # a deleted account's work still under way is sent nowhere
    body = _body() if body is None else body
    hooks = matching.subscribed(records.hooks_of(deps.db, user_id), envelope.type, user_id)
    for hook in hooks:
        deps.jobs.put(body, Job(str(hook["_id"]), 1), envelope.id)
    if hooks:
        log.info("%s %s: %d webhook deliveries queued", envelope.type, envelope.id, len(hooks))


@dataclass(frozen=True)
class _Result:
    answer: sending.Answer
    refused: bool = False


def handle_delivery(
    deps: Dependencies,
    envelope: events.Envelope,
    payload: events.Payload,
    body: bytes,
    job: Job,
) -> None:
    user_id = str(getattr(payload, "user_id", ""))
    try:
        share = deps.shares.take(user_id)
    except (NoSlotFreeForUser, NoSlotFree):
        # Not an attempt: the same job, the same attempt's number, a moment later.
        deps.jobs.put(
            body, job, envelope.id, delay_seconds=deps.settings.webhook_share_wait_seconds
        )
        metrics.SHARE_WAITS.inc()
        return
    try:
        _deliver(deps, envelope, body, job, user_id)
    finally:
        share.close()


def _deliver(
    deps: Dependencies, envelope: events.Envelope, body: bytes, job: Job, user_id: str
) -> None:
    hook = records.hook(deps.db, job.hook_id)
    if (
        hook is None
        or not matching.subscribed([hook], envelope.type, user_id)
        or account_deletions.recorded(deps.db, user_id)
    ):
        log.info(
            "webhook %s: no longer there, subscribed or of an account; event %s dropped",
            job.hook_id,
            envelope.id,
        )
        return
    record_id = records.attempt_id(job.hook_id, envelope.id, job.attempt)
    done = records.attempt(deps.db, record_id)
    if done is not None:
        # This attempt was made and recorded, and its job came again (the worker stopped before
        # the ack): finish what follows it, without calling the receiver again.
        _follow_up(deps, hook, done, body, envelope)
        return
    at = deps.clock.now()
    started = time.monotonic()
    result = _attempt(deps, hook, envelope, body, at.timestamp())
    seconds = time.monotonic() - started
    delay = backoff.delay_after(job.attempt, deps.settings.webhook_retry_delays_seconds)
    if result.answer.delivered:
        outcome = "delivered"
    elif result.refused:
        outcome = "refused"
    else:
        outcome = "failed" if delay is not None else "gave_up"
    record: records.Attempt = {
        "_id": record_id,
        "hook_id": job.hook_id,
        "user_id": hook["user_id"],
        "event_id": envelope.id,
        "event_type": webhook_events.short_name(envelope.type),
        "attempt": job.attempt,
        "at": at,
        "duration_ms": round(seconds * 1000),
        "status_code": result.answer.status_code,
        "error": result.answer.error,
        "outcome": outcome,
        "next_attempt_at": (
            at + timedelta(seconds=delay) if outcome == "failed" and delay is not None else None
        ),
    }
    if not records.record_attempt(deps.db, record):
        # A copy of this job made the same attempt at the same time; its record stands, and
        # it does what follows.
        log.info(
            "webhook %s: event %s attempt %d recorded already",
            job.hook_id,
            envelope.id,
            job.attempt,
        )
        return
    metrics.DELIVERY_ATTEMPTS.labels(outcome).inc()
    metrics.ATTEMPT_SECONDS.labels(outcome).observe(seconds)
    _log(record, delay)
    _follow_up(deps, hook, record, body, envelope)


def _attempt(
    deps: Dependencies,
    hook: records.Hook,
    envelope: events.Envelope,
    body: bytes,
    now: float,
) -> _Result:
    settings = deps.settings
    try:
        target = webhook_urls.check(hook["url"], allow_local=settings.webhooks_allow_local)
    except webhook_urls.UnsafeUrl as exc:
        if exc.reason == "unresolvable":  # DNS may answer later: a failure like any other
            return _Result(sending.Answer(None, "host does not resolve"))
        if exc.reason == "address":
            return _Result(sending.Answer(None, f"address not allowed: {exc}"), refused=True)
        return _Result(sending.Answer(None, f"URL not allowed: {exc}"), refused=True)
    headers = {
        **signing.headers(hook["secret"], envelope.id, int(now), body),
        "Content-Type": events.CONTENT_TYPE,
        "User-Agent": USER_AGENT,
    }
    limits = sending.Limits(
        connect_seconds=settings.webhook_connect_timeout_seconds,
        total_seconds=settings.webhook_timeout_seconds,
        answer_bytes=settings.webhook_max_answer_bytes,
    )
    return _Result(sending.post(target, body, headers, limits))


def _follow_up(
    deps: Dependencies,
    hook: records.Hook,
    record: records.Attempt,
    body: bytes,
    envelope: events.Envelope,
) -> None:
    """What an attempt's outcome asks for: the next attempt's job, or the hook's status."""
    outcome = record["outcome"]
    if outcome == "delivered":
        records.mark_active(deps.db, hook)
        return
    delay = backoff.delay_after(int(record["attempt"]), deps.settings.webhook_retry_delays_seconds)
    if outcome == "failed" and delay is not None:
        job = Job(str(hook["_id"]), int(record["attempt"]) + 1)
        deps.jobs.put(body, job, envelope.id, delay_seconds=delay)
        return
    records.mark_failing(deps.db, hook, deps.clock.now())


def _log(record: dict[str, Any], delay: float | None) -> None:
    outcome = record["outcome"]
    where = f"webhook {record['hook_id']}: event {record['event_id']} attempt {record['attempt']}"
    if outcome == "delivered":
        log.info("%s delivered (HTTP %s)", where, record["status_code"])
    elif outcome == "failed":
        log.warning("%s failed (%s); next attempt in %s s", where, record["error"], delay)
    elif outcome == "gave_up":
        log.warning("%s failed (%s); giving up, the hook is failing", where, record["error"])
    else:
        log.warning("%s refused (%s); the hook is failing", where, record["error"])
