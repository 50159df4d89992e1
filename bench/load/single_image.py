"""The load test's yardstick: how long a one-page upload takes on the idle cluster, from the
POST to the answer that it is completed, through the same REST API the simulated people use.
The completion target is a multiple of it."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from bench.load.pages import Page
from bench.load.rest import Client


@dataclass(frozen=True)
class SingleImage:
    seconds: list[float]  # POST → completed, each measured round
    engine_ms: list[int]  # the OCR engine's own time for the page, as the upload reports it

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


def measure(base: str, pages: list[Page], rounds: int) -> SingleImage:
    """One warm-up, then `rounds` single-page uploads one after another, cycling the pages."""
    client = Client(base)
    try:
        client.upload_until_completed(pages[0])
        timed = [client.upload_until_completed(pages[n % len(pages)]) for n in range(rounds)]
    finally:
        client.delete_all()
    return SingleImage([s for s, _ in timed], [ms for _, ms in timed])
