"""`python -m deck_service`: consume the deck queue until SIGTERM.

Its handlers arrive with the issue that builds this service; until then it binds no events.
"""

from __future__ import annotations

from jaryo_shared.service import run_worker
from jaryo_shared.settings import Settings


def main() -> None:
    settings = Settings(service_name="deck-service")
    run_worker(settings, "deck", {})


if __name__ == "__main__":
    main()
