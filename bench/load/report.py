"""The load test's findings as markdown: one row a step, then the verdict."""

from __future__ import annotations

import math

from bench.load.analysis import StepResult, Targets, highest_steady, saturated_first

CPU_COLUMNS = (
    *("gateway", "storage", "ocr", "deck", "rabbitmq", "ferretdb", "seaweedfs", "locust"),
    "others",
)


def _seconds(value: float) -> str:
    return "∞" if math.isinf(value) else "–" if math.isnan(value) else f"{value:.1f}"


def _millis(value: float) -> str:
    return "∞" if math.isinf(value) else "–" if math.isnan(value) else f"{value * 1000:.0f}"


def table(results: list[StepResult]) -> str:
    head = (
        "| offered/s | started/s | people | journeys (failed) | p95 accept ms | p95 complete s "
        "| p95 deck s | " + " | ".join(f"{c} %" for c in CPU_COLUMNS) + " | machine % "
        "| queue growth | meets targets |"
    )
    rule = "|" + "---:|" * (7 + len(CPU_COLUMNS) + 1) + "---|---|"
    rows = [head, rule]
    for r in results:
        cpu = " | ".join(f"{r.cpu.get(c, 0.0):.0f}" for c in CPU_COLUMNS)
        growth = ", ".join(f"{q} {n:+d}" for q, n in r.queue_growth.items() if n) or "–"
        verdict = "yes" if r.passes else "no: " + "; ".join(r.problems)
        rows.append(
            f"| {r.rate:g} | {r.achieved:.3f} | {r.users} | {r.started} ({r.failed}) "
            f"| {_millis(r.p95_accept_s)} | {_seconds(r.p95_complete_s)} "
            f"| {_seconds(r.p95_deck_s)} | {cpu} | {r.cpu.get('machine', 0.0):.0f} "
            f"| {growth} | {verdict} |"
        )
    return "\n".join(rows)


def verdict(results: list[StepResult], targets: Targets, cores: int) -> str:
    best = highest_steady(results)
    limits = (
        f"p95 acceptance < {targets.accept_s * 1000:.0f} ms and p95 completion "
        f"< {targets.completion_s:.1f} s"
    )
    if best is None:
        found = f"No step met {limits}."
    else:
        found = (
            f"Highest steady rate with {limits}: {best.rate:g} uploads/s offered "
            f"({best.achieved:.3f}/s started, p95 {best.p95_accept_s * 1000:.0f} ms / "
            f"{best.p95_complete_s:.1f} s)."
        )
    return f"{found}\nSaturates first: {saturated_first(results, cores)}."
