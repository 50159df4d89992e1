"""How the load test judges its steps (bench/load/analysis.py, plan.py): which journeys and
samples belong to a step, when a step meets the targets, the highest steady rate, and what is
named as saturating first."""

from __future__ import annotations

import math

from bench.load import analysis, plan
from bench.load.cpu import GROUPS, Sample
from bench.load.journal import Journey, Step

TARGETS = analysis.Targets(accept_s=0.3, completion_s=15.0)


def journey(at: float, accept: float = 0.1, complete: float | None = 5.0) -> Journey:
    done = complete is not None
    return Journey(at, 3, accept, complete, 4.0 if done else None, 0.1 if done else None)


def sample(
    at: float, machine: float = 50.0, queued: int = 0, processes: int = 2, **cpu: float
) -> Sample:
    return Sample(at, {**cpu, "machine": machine}, dict.fromkeys(cpu, processes), {"ocr": queued})


def result(rate: float, journeys: list[Journey], samples: list[Sample] = ()) -> analysis.StepResult:
    step = Step(at=0.0, index=0, rate=rate, users=plan.users_for(rate, 30))
    return analysis.step_result(step, (0.0, 100.0), journeys, list(samples), TARGETS)


def steady(rate: float, complete: float = 5.0) -> list[Journey]:
    """Journeys started evenly at `rate` a second over the 100 s window."""
    count = round(rate * 100)
    return [journey(n / rate, complete=complete) for n in range(count)]


def test_people_are_the_rate_times_the_pacing_rounded_up():
    assert plan.users_for(0.1, 30) == 3
    assert plan.users_for(0.15, 30) == 5
    assert plan.users_for(0.01, 30) == 1


def test_more_than_one_in_twenty_unfinished_makes_the_p95_infinite():
    finished = [1.0] * 95
    assert analysis.p95([*finished, *[None] * 5]) == 1.0
    assert math.isinf(analysis.p95([*finished[:-1], *[None] * 6]))
    assert math.isnan(analysis.p95([]))


def test_a_step_is_judged_from_one_settle_after_it_began_until_the_next_began():
    steps = [Step(100.0, 0, 0.1, 3), Step(190.0, 1, 0.2, 6)]
    assert analysis.windows(steps, 90.0, settle=30.0) == [(130.0, 190.0), (220.0, 280.0)]


def test_journeys_count_in_the_step_they_started_in_however_long_they_took():
    step = Step(0.0, 0, 0.1, 3)
    journeys = [journey(5.0), journey(50.0, complete=500.0), journey(99.0), journey(101.0)]
    judged = analysis.step_result(step, (10.0, 100.0), journeys, [], TARGETS)
    assert judged.started == 2
    assert judged.p95_complete_s == 500.0


def test_a_step_within_both_targets_at_the_offered_rate_meets_them():
    assert result(0.1, steady(0.1)).passes


def test_a_slow_acceptance_a_slow_completion_or_too_few_journeys_each_miss_the_targets():
    slow_accept = [journey(n * 10.0, accept=0.5) for n in range(10)]
    assert "p95 acceptance 500 ms" in result(0.1, slow_accept).problems
    assert "p95 completion 20.0 s" in result(0.1, steady(0.1, complete=20.0)).problems
    assert "only 0.05/s started" in result(0.1, steady(0.05)).problems


def test_the_highest_steady_rate_is_the_last_passing_step_before_the_first_that_fails():
    runs = [
        result(0.05, steady(0.05)),
        result(0.1, steady(0.1)),
        result(0.2, steady(0.2, complete=40.0)),
        result(0.3, steady(0.3)),  # passing after a failure: noise, not capacity
    ]
    assert analysis.highest_steady(runs).rate == 0.1
    assert analysis.highest_steady(runs[2:]) is None


def test_cpu_is_averaged_over_the_step_and_what_is_not_the_cluster_counts_as_others():
    samples = [sample(10.0, machine=120.0, ocr=80.0), sample(20.0, machine=140.0, ocr=100.0)]
    judged = result(0.1, steady(0.1), samples)
    assert judged.cpu["ocr"] == 90.0
    assert judged.cpu["others"] == 40.0


def test_on_a_busy_machine_the_group_taking_most_cpu_is_named_with_the_growing_queue():
    samples = [
        sample(10.0, machine=190.0, queued=2, ocr=150.0, gateway=20.0),
        sample(90.0, machine=195.0, queued=9, ocr=160.0, gateway=20.0),
    ]
    judged = result(0.2, steady(0.2, complete=40.0), samples)
    named = analysis.saturated_first([judged], cores=2)
    assert "the machine's 2 cores are 96% busy" in named
    assert "ocr takes most of them" in named
    assert "the ocr queue grew by 7 messages" in named


def test_on_an_idle_machine_the_group_nearest_its_own_ceiling_is_named():
    samples = [
        sample(10.0, machine=80.0, processes=1, storage=0.0, ferretdb=70.0),
        sample(20.0, machine=80.0, processes=1, storage=95.0, ferretdb=70.0),
    ]
    judged = result(0.1, steady(0.1), samples)
    assert "storage is at 48% of its CPU ceiling" in analysis.saturated_first([judged], cores=2)
    assert set(GROUPS) <= set(judged.cpu)
