"""`python -m deck_service`: build decks from deck.requested, relay its outbox, until SIGTERM."""

from __future__ import annotations

from deck_service.bootstrap import OUTBOX_COLLECTIONS, bootstrap
from deck_service.handlers import handlers
from deck_service.settings import DeckSettings
from jaryo_shared.service import run_worker


def main() -> None:
    settings = DeckSettings()
    deps = bootstrap(settings)
    run_worker(settings, "deck", deps, handlers(deps), outboxes=OUTBOX_COLLECTIONS)


if __name__ == "__main__":
    main()
