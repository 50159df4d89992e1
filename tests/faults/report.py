"""The fault run's table: one row per fault, counting what was accepted while it was the
current fault (from just before its kill until the next one's)."""

from __future__ import annotations

import os
import platform
import shutil
from pathlib import Path

from tests.faults.scenario import WARM_UP, Outcome

HEADER = (
    "| fault | in flight | accepted | lost | duplicated | settled failed | time to recover |\n"
    "|---|--:|--:|--:|--:|--:|--:|"
)
FAILED = {"partial", "failed"}


def _row(outcome: Outcome, label: str, in_flight: str, recover: str) -> str:
    items = [i for i in outcome.items if i.phase == label]
    lost = set(outcome.lost("upload")) | set(outcome.lost("deck"))
    duplicated = sum(
        max(0, outcome.completed_events[i.id] - 1) + max(0, outcome.deck_events[i.id] - 1)
        for i in items
    )
    failed = sum(1 for i in items if outcome.final[i.id] in FAILED)
    uploads = sum(1 for i in items if i.kind == "upload")
    accepted = f"{uploads} + {len(items) - uploads}"
    lost_here = sum(1 for i in items if i.id in lost)
    cells = [label, in_flight, accepted, lost_here, duplicated, failed, recover]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def table(outcome: Outcome) -> str:
    rows = [_row(outcome, WARM_UP, "–", "–")]
    for phase in outcome.phases:
        seconds = phase.recover_seconds
        recover = "not recovered" if seconds is None else f"{seconds:.1f} s"
        rows.append(_row(outcome, phase.label, str(phase.in_flight), recover))
    letters = sum(outcome.dead_letters.values())
    summary = (
        f"{outcome.form.name} form, {outcome.seconds:.0f} s; uploads + decks accepted: "
        f"{sum(1 for i in outcome.items if i.kind == 'upload')} + "
        f"{sum(1 for i in outcome.items if i.kind == 'deck')}; dead letters: {letters}; "
        f"objects without a document: {len(outcome.orphan_objects)}; documents without their "
        f"objects: {len(outcome.missing_objects)}; events for uploads nobody was given: "
        f"{len(outcome.stray_events)}; requests given up after retrying: {outcome.gave_up}"
    )
    # A lost item's documents as they were when its owner last read it: the step that never came.
    stopped = [f"- lost {item_id}: {line}" for item_id, line in outcome.stopped.items()]
    return "\n".join([HEADER, *rows, "", summary, *([""] if stopped else []), *stopped])


def machine() -> str:
    cores = len(os.sched_getaffinity(0))
    return f"{platform.node()}, {platform.system()} {platform.release()}, {cores} cores"


def keep(outcome: Outcome, path: Path, *, logs: Path) -> None:
    """The table of this run, and the services' logs beside it (the pytest temp folder goes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{outcome.started}, {machine()}\n\n{table(outcome)}\n")
    kept = path.with_suffix(".logs")
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(logs, kept)
