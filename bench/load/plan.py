"""The load test's plan, handed to the locust process in its environment: how often each
simulated person starts a journey (JARYO_LOAD_PACING, seconds) and the staircase of arrival
rates (JARYO_LOAD_STEPS). One place for the rule that links them: people = rate × pacing."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass

PACING_ENV = "JARYO_LOAD_PACING"
STEPS_ENV = "JARYO_LOAD_STEPS"
DEFAULT_PACING_SECONDS = 40.0  # longer than a journey while the cluster keeps up


def pacing() -> float:
    return float(os.environ.get(PACING_ENV, DEFAULT_PACING_SECONDS))


def users_for(rate: float, pacing_seconds: float) -> int:
    """People needed for `rate` uploads a second when each starts one every `pacing_seconds`."""
    return max(1, math.ceil(rate * pacing_seconds - 1e-9))


@dataclass(frozen=True)
class Staircase:
    rates: tuple[float, ...]  # uploads a second, in order
    seconds: float  # each step's length

    def environment(self) -> dict[str, str]:
        return {STEPS_ENV: json.dumps({"rates": list(self.rates), "seconds": self.seconds})}

    @classmethod
    def from_environment(cls) -> Staircase:
        plan = json.loads(os.environ[STEPS_ENV])
        return cls(tuple(float(rate) for rate in plan["rates"]), float(plan["seconds"]))
