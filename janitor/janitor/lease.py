"""Only one janitor acts at a time: a lease document in MongoDB with an expiry, renewed while
working. A janitor that dies leaves a lease that expires; the next one takes it over.

Taking the lease is an insert with a fixed `_id`, which only one janitor can win (FerretDB 1.x
has no atomic conditional update to rely on). An expired lease is deleted by its exact holder
and expiry first, so two janitors cannot both remove a live one.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from jaryo_shared.clock import Clock

LEASE_ID = "janitor"


class Lease:
    def __init__(self, db: Database, clock: Clock, seconds: float) -> None:
        self._leases = db.leases
        self._clock = clock
        self._duration = timedelta(seconds=seconds)
        self.holder = uuid.uuid4().hex

    def acquire(self) -> bool:
        now = self._clock.now()
        current = self._leases.find_one({"_id": LEASE_ID})
        if current is not None:
            if current["holder"] != self.holder and current["expires_at"] > now:
                return False
            self._leases.delete_one(
                {"_id": LEASE_ID, "holder": current["holder"], "expires_at": current["expires_at"]}
            )
        try:
            self._leases.insert_one(
                {"_id": LEASE_ID, "holder": self.holder, "expires_at": now + self._duration}
            )
        except DuplicateKeyError:
            return False
        return True

    def wait_for(self, seconds: float, poll_seconds: float = 0.5) -> bool:
        """Try to take the lease until it is ours or `seconds` of real time have passed: a
        second janitor waits for the first to finish rather than running beside it."""
        deadline = time.monotonic() + seconds
        while not self.acquire():
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll_seconds)
        return True

    def renew(self) -> bool:
        """Extend the lease; False if it was lost (taken over after expiring)."""
        current = self._leases.find_one({"_id": LEASE_ID})
        if current is None or current["holder"] != self.holder:
            return False
        self._leases.update_one(
            {"_id": LEASE_ID}, {"$set": {"expires_at": self._clock.now() + self._duration}}
        )
        return True

    def release(self) -> None:
        current = self._leases.find_one({"_id": LEASE_ID})
        if current is not None and current["holder"] == self.holder:
            self._leases.delete_one({"_id": LEASE_ID, "holder": self.holder})
