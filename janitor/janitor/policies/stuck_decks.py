"""Decks not built within `JARYO_STUCK_DECK_MINUTES` (default 15) of being asked for are failed
with a reason, and `deck.failed` is published, as the deck service would: a build that keeps
failing on a server it cannot reach, or a message that was dead-lettered, must not leave a deck
`building` forever. Each revision counts from its own request (a PUT of the spec), and only the
latest revision is failed: the deck service skips older ones. Who finishes a revision is
claimed once (jaryo_shared.deck_outcomes): if the deck service finishes it first, the janitor
changes nothing; if the janitor wins, the deck service drops its late outcome."""

from __future__ import annotations

from datetime import timedelta

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from jaryo_shared import deck_outcomes, events, outbox
from jaryo_shared.failures import FailureCode
from jaryo_shared.read_models.decks import latest_revision, revision_id

NAME = "stuck-decks"
SOURCE = "jaryo/janitor"
FINISHED = ("completed", "failed")


def plan(deps: Dependencies) -> list[Planned]:
    """Each deck's latest revision asked for before the cutoff, unless its build finished."""
    cutoff = deps.clock.now() - timedelta(minutes=deps.settings.stuck_deck_minutes)
    asked = dict.fromkeys(records.deck_ids_created_before(deps.db, cutoff), 1)
    for deck_id, revision in records.revisions_requested_before(deps.db, cutoff):
        asked[deck_id] = max(asked.get(deck_id, 1), revision)
    finished = records.revisions_finished_among(deps.db, list(asked), FINISHED)
    return [
        Planned(NAME, revision_id(deck_id, revision))
        for deck_id, revision in asked.items()
        if finished.get(deck_id) != revision
    ]


def purge(deps: Dependencies, planned: Planned) -> None:
    deck_id, _, number = planned.subject.partition(":")
    revision = int(number or 1)
    deck = records.deck_owner(deps.db, deck_id)
    if deck is None or deck.get("deleted_at") is not None:
        return
    if latest_revision(deps.db, deck_id, at_least=revision) > revision:
        return  # a newer revision was asked for since: the next runs judge that one
    status, attempted = records.build_status(deps.db, deck_id)
    if attempted == revision and status in FINISHED:
        return
    now = deps.clock.now()
    if not deck_outcomes.claim(deps.db, deck_id, SOURCE, now, revision):
        return  # the deck service finished it meanwhile
    _fail(deps, deck["user_id"], deck_id, revision)


def _fail(deps: Dependencies, user_id: str, deck_id: str, revision: int) -> None:
    now = deps.clock.now()
    reason = (
        f"the deck was not built within {deps.settings.stuck_deck_minutes:g} minutes; "
        "ask for it again (GET its spec and PUT it back, or POST it to /v1/decks)"
    )
    code = FailureCode.DECK_TIMED_OUT
    failed = events.DeckFailed(
        deck_id=deck_id, user_id=user_id, reason=reason, code=code, revision=revision
    )
    # A fixed id: a janitor that dies before flushing writes the same event again next run.
    event_id = f"stuck-{revision_id(deck_id, revision)}"
    envelope = events.wrap(failed, source=SOURCE, subject=deck_id, event_id=event_id)
    fields = {
        "user_id": user_id,
        "status": "failed",
        "revision": revision,
        "reason": reason,
        "code": code.value,
        "completed_at": now,
    }
    outbox.record_and_flush(
        deps.db.deck_builds, deck_id, deps.publisher, envelope, fields, upsert=True, now=now
    )
