"""Changes a signed-in person makes to their account: a new password, the sign-out of every
device, the deletion of the account.

Each is written under the person's account lock (`account:<user_id>`): FerretDB can lose one of
two concurrent updates of one document, so the users document is only ever changed by the holder.
The password is checked before the lock (argon2 is slow; the lock is held for a read and a
write), and the lock's holder then checks again that the account is still the one the password
was checked against: a password change moves the token generation on, so of concurrent changes
exactly one is written and the others are refused as signed out (401), never answered 200 with
a password that was overwritten at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.database import Database

from gateway import user_locks
from gateway.auth import accounts, sessions
from gateway.auth.tokens import TokenService, VerifiedToken
from gateway.problems import AccountChanging, Unauthorized
from gateway.settings import GatewaySettings
from gateway.webhooks import service as webhooks
from jaryo_shared import account_deletions
from jaryo_shared.clock import Clock

# Far longer than a change takes (two reads and a write); a lock whose holder died frees then.
LOCK_SECONDS = 30.0
# How long a change waits for another of the same account: 20 at once all get their turn.
WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class Caller:
    """Who asks for the change: their verified access token, from which address, and when."""

    token: VerifiedToken
    address: str
    at: datetime


def change_password(
    db: Database,
    tokens: TokenService,
    settings: GatewaySettings,
    clock: Clock,
    caller: Caller,
    current_password: str,
    new_password: str,
) -> sessions.TokenPair:
    """Set a new password if `current_password` is right (WrongPassword, throttled as sign-ins
    are, if not). Every token of the account, on every device, is refused from then on; the
    answer is a new pair for the caller's device (a new sign-in)."""
    user = _confirmed(db, settings, caller, current_password)
    new_hash = accounts.hash_password(settings, new_password)
    with _account_locked(db, clock, caller.token.user_id):
        generation = sessions.generation_of(_current(db, caller.token)) + 1
        db.users.update_one(
            {"_id": user["_id"]},
            {"$set": {"password_hash": new_hash, "token_generation": generation}},
        )
    return sessions.issue_pair(db, tokens, settings, user["_id"], caller.at, generation=generation)


def sign_out_everywhere(db: Database, clock: Clock, token: VerifiedToken) -> None:
    """Move the account's token generation on: every access and refresh token issued before,
    the caller's too, is refused from now on."""
    with _account_locked(db, clock, token.user_id):
        user = _current(db, token)
        db.users.update_one(
            {"_id": user["_id"]}, {"$set": {"token_generation": sessions.generation_of(user) + 1}}
        )


def delete_account(
    db: Database, settings: GatewaySettings, clock: Clock, caller: Caller, password: str
) -> None:
    """Delete the account if `password` is right: the deletion is recorded for the janitor's
    purge (account_deletions), then the users document goes, so every token of the account is
    refused and its username is free at once, and its webhooks, so no event of the account's
    work still under way is sent anywhere."""
    user = _confirmed(db, settings, caller, password)
    with _account_locked(db, clock, caller.token.user_id):
        _current(db, caller.token)  # not signed out (nor deleted) meanwhile
        account_deletions.record(db, user["_id"], user["username"], caller.at)
        db.users.delete_one({"_id": user["_id"]})
        webhooks.delete_all(db, user["_id"])  # nothing is sent for the account from now on


def _confirmed(
    db: Database, settings: GatewaySettings, caller: Caller, password: str
) -> dict[str, Any]:
    """The caller's account, once `password` is confirmed as its password."""
    user = _current(db, caller.token)
    attempt = accounts.Attempt(user["username"], password, caller.address, caller.at)
    accounts.confirm_password(db, settings, user, attempt)
    return user


def _current(db: Database, token: VerifiedToken) -> dict[str, Any]:
    """The token's account, while the token is of its current generation (Unauthorized if it
    was deleted or signed out on every device since the request's token was checked)."""
    user = db.users.find_one({"_id": token.user_id})
    if user is None:
        raise Unauthorized("the account no longer exists")
    if sessions.generation_of(user) != token.generation:
        raise Unauthorized("signed out on every device; sign in again")
    return user


@contextmanager
def _account_locked(db: Database, clock: Clock, user_id: str) -> Iterator[None]:
    with user_locks.held(
        db, f"account:{user_id}", clock, lifetime_seconds=LOCK_SECONDS, wait_seconds=WAIT_SECONDS
    ) as held:
        if not held:
            raise AccountChanging(
                "another change of your account is being made; try again", retry_after=1
            )
        yield
