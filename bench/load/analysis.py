"""From the load test's journal and CPU samples to its findings: each step's achieved rate,
95th percentiles, CPU per process group and queue growth over the step's steady part; whether
the step meets the targets; the highest rate that does, and what saturated first."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from bench.load.cpu import GROUPS, SERVERS, Sample
from bench.load.journal import Journey, Step

ACCEPT_LIMIT_S = 0.300  # p95 of the upload's POST
COMPLETION_FACTOR = 3.0  # p95 of POST → completed, in single-image upload times
DELIVERED_SHARE = 0.9  # a step whose achieved rate falls below this share of the offered one
# did not keep up: journeys outlasted the pacing, so the people started fewer of them
MACHINE_BUSY = 0.9  # the machine's cores this busy: the machine is what saturated


@dataclass(frozen=True)
class Targets:
    accept_s: float
    completion_s: float

    @classmethod
    def from_single_image(cls, single_image_s: float) -> Targets:
        return cls(ACCEPT_LIMIT_S, COMPLETION_FACTOR * single_image_s)


@dataclass
class StepResult:
    rate: float  # offered uploads a second
    users: int
    seconds: float  # the steady window's length
    started: int  # journeys started in the window
    failed: int  # of those, how many stopped short (an error, or a part never finished)
    p95_accept_s: float
    p95_complete_s: float
    p95_deck_s: float
    cpu: dict[str, float]  # group -> mean % of one core over the window
    processes: dict[str, int]  # group -> most processes seen
    queue_growth: dict[str, int]  # work queue -> messages waiting at the end minus the start
    problems: list[str] = field(default_factory=list)

    @property
    def achieved(self) -> float:
        return self.started / self.seconds if self.seconds else 0.0

    @property
    def passes(self) -> bool:
        return not self.problems


def p95(values: list[float | None]) -> float:
    """Nearest-rank 95th percentile; a missing value (a part never finished) counts as
    infinitely slow, so more than 5 % of them make the percentile infinite. None: nan."""
    if not values:
        return math.nan
    ordered = sorted(math.inf if v is None else v for v in values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def windows(steps: list[Step], step_seconds: float, settle: float) -> list[tuple[float, float]]:
    """Each step's steady part: from `settle` seconds after it began to when the next began."""
    ends = [step.at for step in steps[1:]] + [steps[-1].at + step_seconds] if steps else []
    return [(step.at + settle, end) for step, end in zip(steps, ends, strict=True)]


def step_result(
    step: Step,
    window: tuple[float, float],
    journeys: list[Journey],
    samples: list[Sample],
    targets: Targets,
) -> StepResult:
    start, end = window
    mine = [j for j in journeys if start <= j.started_at < end]
    inside = [s for s in samples if start <= s.at < end]
    result = StepResult(
        rate=step.rate,
        users=step.users,
        seconds=end - start,
        started=len(mine),
        failed=sum(1 for j in mine if j.error is not None or j.download_s is None),
        p95_accept_s=p95([j.accept_s for j in mine]),
        p95_complete_s=p95([j.complete_s for j in mine]),
        p95_deck_s=p95([j.deck_s for j in mine]),
        cpu=_mean_cpu(inside),
        processes={g: max((s.processes.get(g, 0) for s in inside), default=0) for g in GROUPS},
        queue_growth=_growth(inside),
    )
    result.problems = problems(result, targets)
    return result


def _mean_cpu(samples: list[Sample]) -> dict[str, float]:
    """Each group's mean CPU over the samples, with "machine" (every process) and "others"
    (the machine less the groups: other work on a shared machine)."""
    mean = {
        group: statistics.fmean(s.cpu.get(group, 0.0) for s in samples) if samples else 0.0
        for group in (*GROUPS, "machine")
    }
    mean["others"] = max(0.0, mean["machine"] - sum(mean[group] for group in GROUPS))
    return mean


def _growth(samples: list[Sample]) -> dict[str, int]:
    if not samples:
        return {}
    first, last = samples[0].queued, samples[-1].queued
    return {queue: last[queue] - first.get(queue, 0) for queue in last}


def problems(result: StepResult, targets: Targets) -> list[str]:
    """Why the step misses the targets; none: it meets them."""
    found = []
    if not result.started:
        return ["no journey started in the steady window"]
    if not result.p95_accept_s < targets.accept_s:
        found.append(f"p95 acceptance {result.p95_accept_s * 1000:.0f} ms")
    if not result.p95_complete_s < targets.completion_s:
        found.append(f"p95 completion {result.p95_complete_s:.1f} s")
    if result.achieved < DELIVERED_SHARE * result.rate:
        found.append(f"only {result.achieved:.2f}/s started")
    return found


def highest_steady(results: list[StepResult]) -> StepResult | None:
    """The last step of the run of steps, from the first, that all meet the targets (a pass
    after a failed step is noise, not capacity)."""
    best = None
    for result in results:
        if not result.passes:
            break
        best = result
    return best


def utilisation(result: StepResult, cores: int) -> dict[str, float]:
    """Each group's CPU as a share of what it could use: a Python service one core a process
    (the GIL), at most the machine's cores; a server (multi-threaded) all cores. Rough: a
    service's idle supervisor process counts as one it could use."""
    shares = {}
    for group in GROUPS:
        processes = cores if group in SERVERS else max(result.processes.get(group, 0), 1)
        shares[group] = result.cpu.get(group, 0.0) / (100.0 * min(processes, cores))
    return shares


def saturated_first(results: list[StepResult], cores: int) -> str:
    """What limits the cluster, at the first step that misses the targets (else the last):
    when the machine's cores are all busy, the group that takes most of them; otherwise the
    group nearest its own ceiling. With the queue that grew most over that step."""
    if not results:
        return "no steps"
    failing = next((r for r in results if not r.passes), results[-1])
    machine = failing.cpu.get("machine", 0.0) / (100.0 * cores)
    shares = utilisation(failing, cores)
    if machine >= MACHINE_BUSY:
        group = max(GROUPS, key=lambda g: failing.cpu.get(g, 0.0))
        text = (
            f"at {failing.rate:g} uploads/s the machine's {cores} cores are {machine:.0%} busy "
            f"({failing.cpu.get('others', 0.0):.0f} % of a core outside the cluster); "
            f"{group} takes most of them ({failing.cpu[group]:.0f} % of a core)"
        )
    else:
        group = max(shares, key=lambda g: shares[g])
        text = (
            f"at {failing.rate:g} uploads/s {group} is at {shares[group]:.0%} of its CPU "
            f"ceiling ({failing.cpu[group]:.0f} % of a core); the machine {machine:.0%} busy"
        )
    if failing.queue_growth:
        queue, grew = max(failing.queue_growth.items(), key=lambda item: item[1])
        if grew > 0:
            text += f"; the {queue} queue grew by {grew} messages over the step"
    return text
