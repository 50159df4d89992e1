"""The load test's raw record, one JSON line each: every journey a simulated person made (when it
started, how long each part took, how it ended) and every step of the arrival rate. Plain
files, so the locust process writes them and bench/load_test.py reads them afterwards."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

JOURNAL_ENV = "JARYO_LOAD_JOURNAL"


@dataclass(frozen=True)
class Journey:
    """One person's upload → completed → deck → download; a part not reached is None. `error`
    says where and why a journey stopped short."""

    started_at: float  # wall clock (time.time()) at the upload's POST
    images: int
    accept_s: float | None = None  # the POST /v1/uploads
    complete_s: float | None = None  # POST → the upload answered completed
    deck_s: float | None = None  # POST /v1/decks → the deck answered completed
    download_s: float | None = None  # GET the .pptx
    error: str | None = None

    @property
    def completed(self) -> bool:
        return self.complete_s is not None


@dataclass(frozen=True)
class Step:
    """The moment the offered arrival rate changed, and to what."""

    at: float  # wall clock
    index: int
    rate: float  # uploads a second offered
    users: int


def append(record: Journey | Step, path: str | None = None) -> None:
    """Adds the record to the journal named by JARYO_LOAD_JOURNAL (or `path`); none: no-op."""
    target = path or os.environ.get(JOURNAL_ENV)
    if not target:
        return
    line = json.dumps({"kind": type(record).__name__.lower(), **asdict(record)})
    with open(target, "a", encoding="utf-8") as journal:
        journal.write(line + "\n")


def read(path: Path) -> tuple[list[Journey], list[Step]]:
    journeys, steps = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        kind = record.pop("kind")
        if kind == "journey":
            journeys.append(Journey(**record))
        elif kind == "step":
            steps.append(Step(**record))
    return journeys, steps
