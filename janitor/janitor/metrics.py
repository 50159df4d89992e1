"""What the janitor freed, per policy (Prometheus)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

OBJECTS_FREED = Counter(
    "jaryo_janitor_objects_freed_total", "Objects the janitor deleted", ["policy"]
)
BYTES_FREED = Counter("jaryo_janitor_bytes_freed_total", "Bytes the janitor freed", ["policy"])
ITEMS_PURGED = Counter(
    "jaryo_janitor_items_purged_total", "Uploads, decks, objects or images handled", ["policy"]
)
RUNS = Counter(
    "jaryo_janitor_runs_total",
    "Janitor runs: acted (held the lease and finished), skipped (another janitor held it), "
    "lost_lease (stopped when the lease was taken over) or failed",
    ["outcome"],
)
LAST_RUN = Gauge(
    "jaryo_janitor_last_run_timestamp_seconds",
    "When the last complete run finished (alert if it stops moving)",
)


def start_at_zero(policies: list[str]) -> None:
    """Every series exists from the start, so a dashboard shows 0 rather than nothing."""
    for policy in policies:
        for counter in (OBJECTS_FREED, BYTES_FREED, ITEMS_PURGED):
            counter.labels(policy)
    for outcome in ("acted", "skipped", "lost_lease", "failed"):
        RUNS.labels(outcome)
