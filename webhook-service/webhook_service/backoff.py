"""When a failed delivery is tried again: after each configured delay in turn, then never."""

from __future__ import annotations

from collections.abc import Sequence


def attempts(delays: Sequence[float]) -> int:
    """How many attempts a delivery gets: the first, and one after each delay."""
    return len(delays) + 1


def delay_after(attempt: int, delays: Sequence[float]) -> float | None:
    """The wait before the attempt after `attempt` (1-based); None once the last one failed."""
    if attempt < 1:
        raise ValueError("attempts count from 1")
    return delays[attempt - 1] if attempt <= len(delays) else None


def wait_milliseconds(delay_seconds: float) -> int:
    """A delay as its wait queue's TTL (and name): whole milliseconds, at least 1."""
    return max(1, round(delay_seconds * 1000))
