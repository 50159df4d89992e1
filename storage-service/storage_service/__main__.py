"""`python -m storage_service`: consume upload.received until SIGTERM."""

from __future__ import annotations

from functools import partial

from jaryo_shared import events
from jaryo_shared.service import run_worker
from storage_service.bootstrap import bootstrap
from storage_service.handlers import handle_upload_received
from storage_service.settings import StorageSettings


def main() -> None:
    settings = StorageSettings()
    deps = bootstrap(settings)
    handlers = {events.UploadReceived.event_type: partial(handle_upload_received, deps)}
    run_worker(settings, "storage", handlers)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
