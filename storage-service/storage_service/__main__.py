"""`python -m storage_service`: consume upload.received until SIGTERM."""

from __future__ import annotations

from jaryo_shared.service import run_worker
from storage_service.bootstrap import bootstrap
from storage_service.handlers import handlers
from storage_service.settings import StorageSettings


def main() -> None:
    settings = StorageSettings()
    run_worker(settings, "storage", handlers(bootstrap(settings)))


if __name__ == "__main__":
    main()
