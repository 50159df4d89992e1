"""`python -m deck_service`: build decks from deck.requested until SIGTERM."""

from __future__ import annotations

from functools import partial

from deck_service.bootstrap import bootstrap
from deck_service.handlers import handle_deck_requested
from deck_service.settings import DeckSettings
from jaryo_shared import events
from jaryo_shared.service import run_worker


def main() -> None:
    settings = DeckSettings()
    deps = bootstrap(settings)
    handlers = {events.DeckRequested.event_type: partial(handle_deck_requested, deps)}
    run_worker(settings, "deck", handlers)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
