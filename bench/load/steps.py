"""The load test's staircase for locust: arrival rates of uploads a second, one after another,
each held for a while (bench/load/plan.py). Given beside the locustfile by bench/load_test.py:

    locust -f bench/load/locustfile.py,bench/load/steps.py --headless ...

The people a step adds are spawned over one pacing interval, so arrivals ramp up rather than
land at once. Each change is written to the journal (bench/load/journal.py)."""

from __future__ import annotations

import time

from locust import LoadTestShape

from bench.load import journal, plan


class Staircase(LoadTestShape):
    def __init__(self) -> None:
        super().__init__()
        self.plan = plan.Staircase.from_environment()
        self.pacing = plan.pacing()
        self._step = -1

    def tick(self) -> tuple[int, float] | None:
        index = int(self.get_run_time() // self.plan.seconds)
        if index >= len(self.plan.rates):
            return None
        rates = self.plan.rates
        users = plan.users_for(rates[index], self.pacing)
        before = plan.users_for(rates[index - 1], self.pacing) if index else 0
        if index != self._step:
            self._step = index
            # The rate offered is what the whole people make of it (rounded up from the plan's).
            offered = users / self.pacing
            journal.append(journal.Step(time.time(), index, offered, users))
        return users, max(users - before, 1) / self.pacing
