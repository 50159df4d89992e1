"""The gateway's outbox relay: each gateway process publishes what its own requests could not
(`upload.received`, a deck's or a revision's `deck.requested`, a PDF's
`deck.pdf_requested`, a fix's `image.corners_fixed`, while the broker was away). The
workers relay theirs."""

from __future__ import annotations

from functools import partial

from gateway.bootstrap import Dependencies
from jaryo_shared import upload_deletions
from jaryo_shared.outbox_relay import OutboxRelay

# The collections whose outboxes the gateway writes events into (docs/architecture.md).
OUTBOX_COLLECTIONS = (
    "uploads",
    "decks",
    "deck_revisions",
    "deck_pdf_requests",
    "page_fixes",
)


def relay(deps: Dependencies) -> OutboxRelay:
    return OutboxRelay(
        deps,
        OUTBOX_COLLECTIONS,
        interval_seconds=deps.settings.outbox_relay_interval_seconds,
        # Its writes to an upload can lose a DELETE's `deleted_at` (upload_deletions).
        after_writes={"uploads": partial(upload_deletions.restore, deps.db)},
    )


def relay_pass(deps: Dependencies) -> int:
    """One pass over the gateway's outboxes (the tests' way to run the relay at a known time)."""
    return relay(deps).relay_pass()


def start_relay(deps: Dependencies) -> OutboxRelay:
    return relay(deps).start()
