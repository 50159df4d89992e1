"""Rate limits that hold under concurrency on FerretDB: N attempts per fixed window, each attempt
claiming one of N numbered slots with a unique `_id` insert.

A read-then-write counter (or even `$inc`, which FerretDB applies by rewriting the document) lets
40 parallel requests all read "0 so far"; of 40 inserts of one `_id`, exactly one succeeds. So an
attempt claims its slot before it is checked, and at most N are checked per window. Windows are
fixed (the slot ids name theirs), so nothing is ever reset or reused: a record simply stops
mattering when its window ends, and the janitor purges it (policies/expired_auth_records.py).
The price of fixed windows: across a window boundary 2N attempts can come close together.

Records hold no username or address, only a digest of the scope."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from gateway.problems import Problem

COLLECTION = "rate_limits"


@dataclass(frozen=True)
class Limit:
    name: str  # the problem's `limit` member: which limit was reached
    allowed: int
    window_seconds: int
    detail: str  # why the request was refused, for the person reading the 429


class LimitReached(Problem):
    status, slug, title = 429, "too-many-attempts", "Too many attempts"

    def __init__(self, limit: Limit, retry_after: int) -> None:
        super().__init__(
            f"{limit.detail} (at most {limit.allowed} in {limit.window_seconds} s); "
            f"try again in {retry_after} s",
            limit=limit.name,
        )
        self.headers["Retry-After"] = str(retry_after)


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
    prefix, window_end = _window(limit, scope, now)
    collection = db[COLLECTION]
    if collection.find_one({"_id": prefix + "full"}, {"_id": 1}) is None:
        for number in range(limit.allowed):
            slot_id = f"{prefix}{number}"
            try:
                collection.insert_one({"_id": slot_id, "expires_at": window_end})
            except DuplicateKeyError:
                continue
            return Slot(slot_id)
        # Remembered, so the next attempts in this window are refused with one read.
        _insert_once(db, prefix + "full", window_end)
    raise LimitReached(limit, max(1, int((window_end - now).total_seconds()) + 1))


def release(db: Database, slot: Slot) -> None:
    """Give back an attempt that should not count (e.g. the password was right). The window's
    "full" mark goes too: there is a free slot again."""
    db[COLLECTION].delete_one({"_id": slot.id})
    db[COLLECTION].delete_one({"_id": slot.id.rsplit(":", 1)[0] + ":full"})


def clear(db: Database, limit: Limit, scope: tuple[str, ...], now: datetime) -> None:
    """Forget this window's attempts of one scope (one delete per slot: `_id` lookups only)."""
    prefix, _ = _window(limit, scope, now)
    for suffix in [*map(str, range(limit.allowed)), "full"]:
        db[COLLECTION].delete_one({"_id": prefix + suffix})


def _window(limit: Limit, scope: tuple[str, ...], now: datetime) -> tuple[str, datetime]:
    """The slot-id prefix of this scope's current window, and when the window ends."""
    window = int(now.timestamp()) // limit.window_seconds
    digest = hashlib.sha256("\0".join(scope).encode()).hexdigest()[:32]
    window_end = datetime.fromtimestamp((window + 1) * limit.window_seconds, UTC)
    return f"{limit.name}:{digest}:{window}:", window_end


def _insert_once(db: Database, record_id: str, expires_at: datetime) -> None:
    try:
        db[COLLECTION].insert_one({"_id": record_id, "expires_at": expires_at})
    except DuplicateKeyError:
        pass  # a concurrent attempt wrote it first: the same fact
