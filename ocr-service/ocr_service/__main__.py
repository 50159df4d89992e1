"""`python -m ocr_service`: consume the ocr queue until SIGTERM.

Its handlers arrive with the issue that builds this service; until then it binds no events.
"""

from __future__ import annotations

from jaryo_shared.service import run_worker
from jaryo_shared.settings import Settings


def main() -> None:
    settings = Settings(service_name="ocr-service")
    run_worker(settings, "ocr", {})


if __name__ == "__main__":
    main()
