"""A background thread that publishes events their writers could not (the broker was down).

Each gateway process runs one; claims keep them from publishing the same document at once.
"""

from __future__ import annotations

import logging
import threading

from gateway.bootstrap import Dependencies
from jaryo_shared import outbox

log = logging.getLogger(__name__)

OUTBOX_COLLECTIONS = (
    "uploads",
    "images",
    "ocr_results",
    "upload_completions",
    "decks",
    "deck_builds",
)


def relay_pass(deps: Dependencies) -> int:
    published = 0
    for name in OUTBOX_COLLECTIONS:
        published += outbox.relay_once(deps.db[name], deps.publisher, deps.clock)
    return published


def start_relay(deps: Dependencies) -> threading.Thread:
    interval = deps.settings.outbox_relay_interval_seconds

    def loop() -> None:
        while True:
            try:
                if published := relay_pass(deps):
                    log.info("outbox relay published %d pending events", published)
            except Exception:
                log.warning("outbox relay pass failed; retrying in %ss", interval, exc_info=True)
            threading.Event().wait(interval)

    thread = threading.Thread(target=loop, name="outbox-relay", daemon=True)
    thread.start()
    return thread
