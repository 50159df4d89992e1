"""One janitor run: take the lease, plan every policy, and purge (or, dry, only print) what each
planned, renewing the lease as it goes; counts go to the log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from janitor import metrics
from janitor.bootstrap import Dependencies
from janitor.lease import Lease
from janitor.policies import (
    Planned,
    deleted_accounts,
    deleted_uploads,
    expired_auth_records,
    old_revisions,
    orphans,
    retention,
    staging,
    stuck_decks,
    stuck_uploads,
    webhook_attempts,
)

log = logging.getLogger(__name__)

POLICIES = (
    staging,
    stuck_uploads,
    stuck_decks,
    deleted_uploads,
    retention,
    deleted_accounts,
    old_revisions,
    orphans,
    expired_auth_records,
    webhook_attempts,
)
POLICY_NAMES = [
    staging.NAME,
    stuck_uploads.NAME,
    stuck_decks.NAME,
    deleted_uploads.NAME,
    retention.UPLOADS,
    retention.DECKS,
    retention.DELETED_DECKS,
    deleted_accounts.NAME,
    old_revisions.NAME,
    orphans.NAME,
    orphans.DANGLING,
    expired_auth_records.NAME,
    webhook_attempts.NAME,
]


@dataclass
class Report:
    acted: bool
    planned: list[Planned] = field(default_factory=list)

    def totals(self) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for item in self.planned:
            counts = found.setdefault(item.policy, {"items": 0, "objects": 0, "bytes": 0})
            counts["items"] += 1
            counts["objects"] += len(item.objects)
            counts["bytes"] += item.bytes
        return found


def run_once(
    deps: Dependencies, *, dry_run: bool = False, say: Callable[[str], None] = print
) -> Report:
    lease = Lease(deps.db, deps.clock, deps.settings.lease_seconds)
    if not lease.wait_for(deps.settings.lease_wait_seconds):
        log.info(
            "another janitor held the lease for %.0f s; nothing done",
            deps.settings.lease_wait_seconds,
        )
        metrics.RUNS.labels("skipped").inc()
        return Report(acted=False)
    report = Report(acted=True)
    try:
        finished = _run_policies(deps, lease, report, dry_run=dry_run, say=say)
    except Exception:
        metrics.RUNS.labels("failed").inc()
        raise
    finally:
        lease.release()
    if not finished:
        metrics.RUNS.labels("lost_lease").inc()  # stopped early: not a run that did its work
    elif not dry_run:
        metrics.RUNS.labels("acted").inc()
        metrics.LAST_RUN.set_to_current_time()
    for policy_name, counts in report.totals().items():
        log.info("%s %s: %s", "would purge" if dry_run else "purged", policy_name, counts)
    return report


def _run_policies(
    deps: Dependencies,
    lease: Lease,
    report: Report,
    *,
    dry_run: bool,
    say: Callable[[str], None],
) -> bool:
    """True if every policy ran to the end; False if the lease was lost on the way."""
    for policy in POLICIES:
        for item in policy.plan(deps):
            if dry_run:
                say(
                    f"would purge [{item.policy}] {item.subject}: "
                    f"{len(item.objects)} objects, {item.bytes} bytes"
                )
            else:
                if not lease.renew():
                    log.warning("lost the lease mid-run; stopping")
                    return False
                policy.purge(deps, item)
                metrics.ITEMS_PURGED.labels(item.policy).inc()
                metrics.OBJECTS_FREED.labels(item.policy).inc(len(item.objects))
                metrics.BYTES_FREED.labels(item.policy).inc(item.bytes)
            report.planned.append(item)
    return True
