"""The webhook service's delivery log (`webhook_attempts`: one document per attempt, inserted
once, with its time `at`) is kept `JARYO_WEBHOOK_ATTEMPTS_DAYS` (default 7) days: enough to see
why a person's endpoint missed an event, not a record kept forever. One planned item per run,
the attempts before the cutoff, deleted in one statement (there may be many, and their `_id`s
are the webhook service's business)."""

from __future__ import annotations

from datetime import datetime, timedelta

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned

NAME = "webhook-attempts"


def plan(deps: Dependencies) -> list[Planned]:
    cutoff = deps.clock.now() - timedelta(days=deps.settings.webhook_attempts_days)
    count = records.count_webhook_attempts_before(deps.db, cutoff)
    return [Planned(NAME, f"{cutoff.isoformat()} ({count} attempts)")] if count else []


def purge(deps: Dependencies, planned: Planned) -> None:
    cutoff, _, _ = planned.subject.partition(" ")
    records.delete_webhook_attempts_before(deps.db, datetime.fromisoformat(cutoff))
