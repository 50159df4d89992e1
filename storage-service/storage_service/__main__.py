"""`python -m storage_service`: consume upload.received and relay its outboxes until SIGTERM."""

from __future__ import annotations

from jaryo_shared.service import run_worker
from storage_service.bootstrap import OUTBOX_COLLECTIONS, bootstrap
from storage_service.handlers import handlers
from storage_service.settings import StorageSettings


def main() -> None:
    settings = StorageSettings()
    deps = bootstrap(settings)
    run_worker(settings, "storage", deps, handlers(deps), outboxes=OUTBOX_COLLECTIONS)


if __name__ == "__main__":
    main()
