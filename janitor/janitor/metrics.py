"""What the janitor freed, per policy (Prometheus)."""

from __future__ import annotations

from prometheus_client import Counter

OBJECTS_FREED = Counter(
    "jaryo_janitor_objects_freed_total", "Objects the janitor deleted", ["policy"]
)
BYTES_FREED = Counter("jaryo_janitor_bytes_freed_total", "Bytes the janitor freed", ["policy"])
ITEMS_PURGED = Counter(
    "jaryo_janitor_items_purged_total", "Uploads, decks, objects or images handled", ["policy"]
)
