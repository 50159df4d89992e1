"""Decks not built within `JARYO_STUCK_DECK_MINUTES` (default 15) of being asked for are failed
with a reason, and `deck.failed` is published, as the deck service would: a build that keeps
failing on a server it cannot reach, or a message that was dead-lettered, must not leave a deck
`building` forever. Who finishes a deck is claimed once (jaryo_shared.deck_outcomes): if the
deck service finishes it first, the janitor changes nothing; if the janitor wins, the deck
service drops its late outcome."""

from __future__ import annotations

from datetime import timedelta

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from jaryo_shared import deck_outcomes, events, outbox
from jaryo_shared.failures import FailureCode

NAME = "stuck-decks"
SOURCE = "jaryo/janitor"
FINISHED = ("completed", "failed")


def plan(deps: Dependencies) -> list[Planned]:
    cutoff = deps.clock.now() - timedelta(minutes=deps.settings.stuck_deck_minutes)
    asked = records.deck_ids_created_before(deps.db, cutoff)
    finished = records.builds_finished_among(deps.db, asked, FINISHED)
    return [Planned(NAME, deck_id) for deck_id in asked if deck_id not in finished]


def purge(deps: Dependencies, planned: Planned) -> None:
    deck = records.deck_owner(deps.db, planned.subject)
    if deck is None or deck.get("deleted_at") is not None:
        return
    if records.build_status(deps.db, deck["_id"]) in FINISHED:
        return
    now = deps.clock.now()
    if not deck_outcomes.claim(deps.db, deck["_id"], SOURCE, now):
        return  # the deck service finished it meanwhile
    reason = (
        f"the deck was not built within {deps.settings.stuck_deck_minutes:g} minutes; "
        "ask for it again (GET its spec and POST it to /v1/decks)"
    )
    code = FailureCode.DECK_TIMED_OUT
    failed = events.DeckFailed(
        deck_id=deck["_id"], user_id=deck["user_id"], reason=reason, code=code
    )
    # A fixed id: a janitor that dies before flushing writes the same event again next run.
    envelope = events.wrap(
        failed, source=SOURCE, subject=deck["_id"], event_id=f"stuck-{deck['_id']}"
    )
    fields = {
        "user_id": deck["user_id"],
        "status": "failed",
        "reason": reason,
        "code": code.value,
        "completed_at": now,
    }
    outbox.record_and_flush(
        deps.db.deck_builds, deck["_id"], deps.publisher, envelope, fields, upsert=True, now=now
    )
