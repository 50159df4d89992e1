"""The janitor's lease over the fakes: one holder at a time, taken over only once it expires,
and a holder that was taken over learns it when it renews and cannot free the new lease."""

from __future__ import annotations

from datetime import datetime, timedelta

from janitor.lease import LEASE_ID, Lease
from jaryo_shared.clock import FixedClock
from tests.unit.fakes import FakeDatabase
from tests.unit.janitor_world import START

SECONDS = 120


def _two_janitors() -> tuple[FakeDatabase, FixedClock, Lease, Lease]:
    db, clock = FakeDatabase(), FixedClock(START)
    return db, clock, Lease(db, clock, SECONDS), Lease(db, clock, SECONDS)  # type: ignore[arg-type]


def test_second_janitor_cannot_take_a_live_lease() -> None:
    _, clock, first, second = _two_janitors()
    assert first.acquire()
    clock.advance(timedelta(seconds=SECONDS - 1))
    assert not second.acquire()
    assert first.renew()
    clock.advance(timedelta(seconds=SECONDS - 1))  # renewed: still live
    assert not second.acquire()


def test_expired_lease_is_taken_over_and_its_old_holder_stops() -> None:
    db, clock, first, second = _two_janitors()
    assert first.acquire()
    clock.advance(timedelta(seconds=SECONDS + 1))  # the first janitor hung or died
    assert second.acquire()
    assert not first.renew()
    first.release()  # a late release must not free the new holder's lease
    assert db.leases.find_one({"_id": LEASE_ID})["holder"] == second.holder
    second.release()
    assert db.leases.find() == []


def test_a_janitor_can_take_its_own_lease_again() -> None:
    _, _, first, _ = _two_janitors()
    assert first.acquire() and first.acquire()


def test_waiting_for_a_held_lease_gives_up_after_the_time_allowed() -> None:
    _, _, first, second = _two_janitors()
    first.acquire()
    assert not second.wait_for(0.05, poll_seconds=0.01)


class MinuteEachLook(FixedClock):
    """Time passes a minute each time a janitor looks at it."""

    def now(self) -> datetime:
        self.advance(timedelta(minutes=1))
        return super().now()


def test_waiting_janitor_takes_the_lease_once_the_holders_runs_out() -> None:
    db, clock = FakeDatabase(), MinuteEachLook(START)
    first, second = Lease(db, clock, SECONDS), Lease(db, clock, SECONDS)  # type: ignore[arg-type]
    first.acquire()  # until START + 3 min; each try below moves the clock on a minute
    assert second.wait_for(5, poll_seconds=0.01)
    assert db.leases.find_one({"_id": LEASE_ID})["holder"] == second.holder
