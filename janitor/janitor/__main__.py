"""`python -m janitor`: consume the janitor queue until SIGTERM.

Its handlers arrive with the issue that builds this service; until then it binds no events.
"""

from __future__ import annotations

from jaryo_shared.service import run_worker
from jaryo_shared.settings import Settings


def main() -> None:
    settings = Settings(service_name="janitor")
    run_worker(settings, "janitor", {})


if __name__ == "__main__":
    main()
