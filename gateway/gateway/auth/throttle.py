"""Rate limits that hold under concurrency on FerretDB: N attempts per window, each attempt
claiming one of N numbered slots with a unique `_id` insert.

A read-then-write counter (or even `$inc`, which FerretDB applies by rewriting the document) lets
40 parallel requests all read "0 so far"; of 40 inserts of one `_id`, exactly one succeeds. So an
attempt claims its slot before it is checked, and at most N are checked per window. Windows are
fixed (the slot ids name theirs), so nothing is ever reset or reused: a record simply stops
mattering when its window ends, and the janitor purges it (policies/expired_auth_records.py).
The attempt that finds every slot taken locks the scope for a whole window from then, so a
window boundary does not hand out N more at once: at most N per window, on average.

Records hold no username or address, only a digest of the scope."""

from __future__ import annotations

import hashlib
import ipaddress
import itertools
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from gateway.problems import LimitReached

COLLECTION = "rate_limits"


@dataclass(frozen=True)
class Limit:
    name: str  # the problem's `limit` member: which limit was reached
    allowed: int
    window_seconds: int
    detail: str  # why the request was refused, for the person reading the 429


def limit_reached(limit: Limit, retry_after: int) -> LimitReached:
    """The 429 for a reached limit: which one, and how many seconds until it lets one through."""
    return LimitReached(
        f"{limit.detail} (at most {limit.allowed} in {limit.window_seconds} s); "
        f"try again in {retry_after} s",
        retry_after=retry_after,
        limit=limit.name,
    )


@dataclass(frozen=True)
class Slot:
    """One claimed attempt: its record's `_id`."""

    id: str


def client_address(remote_addr: str | None) -> str:
    """Who is asking, for rate limits: the IPv4 address, or the /64 of an IPv6 one (one host
    usually holds a whole /64, so single IPv6 addresses would cost an attacker nothing)."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return remote_addr or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def claim(db: Database, limit: Limit, scope: tuple[str, ...], now: datetime) -> Slot:
    """A slot of this window for one more attempt, or LimitReached with the seconds to wait."""
    prefix, lock_id = _ids(limit, scope, now)
    collection = db[COLLECTION]
    lock = collection.find_one({"_id": lock_id})
    if lock is not None and lock["expires_at"] > now:
        raise limit_reached(limit, _seconds_until(lock["expires_at"], now))
    window_end = _window_end(limit, now)
    hint_id = f"{prefix}next"
    hint = collection.find_one({"_id": hint_id}) or {}
    start = min(int(hint.get("number", 0)), limit.allowed)
    # From the hint on, then the numbers before it (slots given back leave holes there).
    for number in itertools.chain(range(start, limit.allowed), range(start)):
        slot_id = f"{prefix}{number}"
        try:
            collection.insert_one({"_id": slot_id, "expires_at": window_end})
        except DuplicateKeyError:
            continue
        _hint_next(collection, hint_id, number + 1, window_end)
        return Slot(slot_id)
    until = now + timedelta(seconds=limit.window_seconds)
    _lock(db, lock_id, until)
    raise limit_reached(limit, _seconds_until(until, now))


def release(db: Database, slot: Slot) -> None:
    """Give back an attempt that should not count (e.g. the password was right)."""
    db[COLLECTION].delete_one({"_id": slot.id})


def clear(db: Database, limit: Limit, scope: tuple[str, ...], now: datetime) -> None:
    """Forget this window's attempts of one scope, and its lock (`_id` deletes only)."""
    prefix, lock_id = _ids(limit, scope, now)
    for record_id in [*(f"{prefix}{n}" for n in range(limit.allowed)), f"{prefix}next", lock_id]:
        db[COLLECTION].delete_one({"_id": record_id})


def _ids(limit: Limit, scope: tuple[str, ...], now: datetime) -> tuple[str, str]:
    """The slot-id prefix of this scope's current window, and the id of the scope's lock."""
    digest = hashlib.sha256("\0".join(scope).encode()).hexdigest()[:32]
    window = int(now.timestamp()) // limit.window_seconds
    # The lock names the limit it was reached under: a gateway configured with another limit
    # (after a change of settings, or beside one with another) does not inherit it.
    return f"{limit.name}:{digest}:{window}:", f"{limit.name}:{limit.allowed}:{digest}:lock"


def _window_end(limit: Limit, now: datetime) -> datetime:
    window = int(now.timestamp()) // limit.window_seconds
    return datetime.fromtimestamp((window + 1) * limit.window_seconds, UTC)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _hint_next(collection: Collection, hint_id: str, number: int, window_end: datetime) -> None:
    """Where the next claim starts looking, so a claim costs one insert, not one per slot taken
    before it. Only a hint: concurrent writers may overwrite each other, and the inserts still
    decide who gets a slot."""
    try:
        collection.replace_one(
            {"_id": hint_id}, {"number": number, "expires_at": window_end}, upsert=True
        )
    except DuplicateKeyError:
        pass  # a concurrent upsert inserted it first


def _lock(db: Database, lock_id: str, until: datetime) -> None:
    """Concurrent lockers write nearly the same time: losing one of their writes is harmless."""
    try:
        db[COLLECTION].replace_one({"_id": lock_id}, {"expires_at": until}, upsert=True)
    except DuplicateKeyError:
        pass  # a concurrent upsert inserted it first
