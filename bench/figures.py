"""The figures a benchmark reports against its targets (issue 16's table), saved as JSON so that
bench/throughput.py can gather every bench's figures from one run into one table."""

from __future__ import annotations

import json
import operator
from dataclasses import asdict, dataclass
from pathlib import Path

_COMPARE = {">=": operator.ge, "<=": operator.le}


@dataclass(frozen=True)
class Figure:
    path: str  # what was measured, as the table names it
    value: float
    target: str  # ">= 0.9" or "<= 1.5"
    note: str = ""  # how it was measured, or what it means

    def met(self) -> bool:
        sign, bound = self.target.split()
        return _COMPARE[sign](round(self.value, 2), float(bound))


def save(path: Path | None, figures: list[Figure]) -> None:
    if path is not None:
        path.write_text(json.dumps([asdict(figure) for figure in figures], indent=1))


def load(path: Path) -> list[Figure]:
    return [Figure(**fields) for fields in json.loads(path.read_text())]


def table(figures: list[Figure]) -> str:
    rows = ["| path | measured | target | met |", "|---|---:|---:|:---:|"]
    for f in figures:
        note = f" ({f.note})" if f.note else ""
        rows.append(f"| {f.path}{note} | {f.value:.2f} | {f.target} | {'✓' if f.met() else '✗'} |")
    return "\n".join(rows)
