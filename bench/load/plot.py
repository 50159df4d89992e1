"""The load test's curve as a PNG (matplotlib, Agg): p95 latencies against the offered rate of
uploads with the targets as lines, and below it each process group's CPU."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: before pyplot is imported
import matplotlib.pyplot as plt

from bench.load.analysis import StepResult, Targets
from bench.load.cpu import GROUPS

CAPPED = 1.5  # an infinite p95 (over 5 % never finished) is drawn at 1.5x the plot's top


def draw(results: list[StepResult], targets: Targets, title: str, out: Path) -> None:
    rates = [r.rate for r in results]
    figure, (latency, cpu) = plt.subplots(2, 1, figsize=(9, 8), sharex=True)
    _latencies(latency, rates, results, targets)
    _cpu(cpu, rates, results)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)


def _finite(values: list[float], top: float) -> list[float]:
    return [top * CAPPED if math.isinf(v) else v for v in values]


def _latencies(axis, rates: list[float], results: list[StepResult], targets: Targets) -> None:
    completion = [r.p95_complete_s for r in results]
    deck = [r.p95_deck_s for r in results]
    top = max([v for v in completion + deck if math.isfinite(v)] + [targets.completion_s])
    axis.plot(rates, _finite(completion, top), "o-", label="p95 upload completion (s)")
    axis.plot(rates, _finite(deck, top), "s-", label="p95 deck completion (s)")
    axis.axhline(targets.completion_s, ls="--", color="C0", lw=1, label="completion target")
    axis.set_ylabel("seconds")
    axis.set_ylim(0, top * CAPPED * 1.25)  # room for the legend above the curves
    axis.grid(alpha=0.3)
    accept = axis.twinx()
    accept.plot(
        rates,
        [r.p95_accept_s * 1000 for r in results],
        "^-",
        color="C3",
        label="p95 upload acceptance (ms)",
    )
    accept.axhline(targets.accept_s * 1000, ls="--", color="C3", lw=1, label="acceptance target")
    accept.set_ylabel("milliseconds")
    highest = max([r.p95_accept_s for r in results if math.isfinite(r.p95_accept_s)] + [0.0])
    accept.set_ylim(0, max(highest, targets.accept_s) * 1000 * CAPPED * 1.25)
    lines = axis.get_legend_handles_labels()
    more = accept.get_legend_handles_labels()
    axis.legend(lines[0] + more[0], lines[1] + more[1], fontsize=8, loc="upper left")


def _cpu(axis, rates: list[float], results: list[StepResult]) -> None:
    for group in (*GROUPS, "others", "machine"):
        values = [r.cpu.get(group, 0.0) for r in results]
        if max(values, default=0.0) >= 2.0:  # leave out the idle ones
            style = {"machine": "k--", "others": "k:"}.get(group, ".-")
            axis.plot(rates, values, style, label=group)
    axis.set_xlabel("offered uploads per second")
    axis.set_ylabel("CPU, % of one core (mean over the step)")
    axis.grid(alpha=0.3)
    axis.set_ylim(0, max(r.cpu.get("machine", 0.0) for r in results) * 1.35 + 1)
    axis.legend(fontsize=8, ncol=4, loc="upper left")
