"""`python -m janitor`: run on an interval until SIGTERM (the long-lived service, which relays its
own outboxes too);
`python -m janitor run-once [--dry-run]`: one run, for a Kubernetes CronJob or by hand.
`--dry-run` prints what would be purged and changes nothing."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from janitor import metrics as janitor_metrics
from janitor.bootstrap import OUTBOX_COLLECTIONS, Dependencies, bootstrap
from janitor.lifecycle import install_staging_expiry
from janitor.run import POLICY_NAMES, run_once
from janitor.settings import JanitorSettings
from jaryo_shared import metrics
from jaryo_shared.logs import configure_logging
from jaryo_shared.outbox_relay import OutboxRelay

log = logging.getLogger("janitor")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="janitor", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "run-once"], default="serve")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    settings = JanitorSettings()
    configure_logging(settings.service_name, settings.log_level)
    deps = bootstrap(settings)
    if not args.dry_run:
        install_staging_expiry(deps)
    if args.command == "run-once":
        run_once(deps, dry_run=args.dry_run)
        return 0
    serve(deps, dry_run=args.dry_run)
    return 0


def serve(deps: Dependencies, *, dry_run: bool) -> None:
    """Run every interval until SIGTERM/SIGINT, relaying the janitor's outboxes meanwhile."""
    settings = deps.settings
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("received %s: stopping after this run", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    janitor_metrics.start_at_zero(POLICY_NAMES)
    metrics.serve(settings.metrics_port, settings.metrics_address)
    relay = OutboxRelay(
        # A dry run changes nothing, and so relays no collection.
        deps,
        () if dry_run else OUTBOX_COLLECTIONS,
        interval_seconds=settings.outbox_relay_interval_seconds,
    ).start()
    log.info("janitor running every %.0f s", settings.interval_seconds)
    while not stop.is_set():
        try:
            run_once(deps, dry_run=dry_run)
        except Exception:
            log.exception("janitor run failed; trying again next interval")
        stop.wait(settings.interval_seconds)
    relay.stop()
    log.info("janitor stopped")


if __name__ == "__main__":
    raise SystemExit(main())
