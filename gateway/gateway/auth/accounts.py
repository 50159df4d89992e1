"""Accounts: sign-up, sign-in and the password check of an account change, with argon2id
passwords, throttled per address and per username, over the `users` collection."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from gateway.auth import throttle
from gateway.problems import BadCredentials, LimitReached, UsernameTaken, WrongPassword
from gateway.settings import GatewaySettings


@dataclass(frozen=True)
class _Passwords:
    hasher: PasswordHasher
    # Verified against when the user does not exist, so both failures take the same time.
    dummy_hash: str


@functools.cache
def _made_passwords(time_cost: int, memory_kib: int, parallelism: int) -> _Passwords:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    return _Passwords(hasher, hasher.hash("not a real password"))


def _passwords(settings: GatewaySettings) -> _Passwords:
    return _made_passwords(
        settings.password_hash_time_cost,
        settings.password_hash_memory_kib,
        settings.password_hash_parallelism,
    )


@dataclass(frozen=True)
class Attempt:
    """One sign-up or sign-in: the name and password offered, from which address, and when."""

    username: str
    password: str
    address: str
    at: datetime


@dataclass(frozen=True)
class Limits:
    """The throttles of sign-up and sign-in, as the settings set them."""

    registrations: throttle.Limit
    sign_in_failures_per_user: throttle.Limit
    sign_in_failures_per_address: throttle.Limit


def limits(settings: GatewaySettings) -> Limits:
    lockout = settings.login_lockout_seconds
    return Limits(
        throttle.Limit(
            "registrations-per-address",
            settings.registrations_per_address,
            settings.registration_window_seconds,
            "too many registrations from your address",
        ),
        throttle.Limit(
            "sign-in-failures-per-username-and-address",
            settings.login_failures_allowed,
            lockout,
            "too many failed sign-ins for this username from your address",
        ),
        throttle.Limit(
            "sign-in-failures-per-address",
            settings.login_address_failures_allowed,
            lockout,
            "too many failed sign-ins from your address",
        ),
    )


def register(db: Database, settings: GatewaySettings, attempt: Attempt) -> dict[str, Any]:
    """A new account. Each attempt counts against its address's registration limit, a taken
    name too (else names could be probed for free)."""
    throttle.claim(db, limits(settings).registrations, (attempt.address,), attempt.at)
    user = {
        "_id": uuid.uuid4().hex,
        "username": attempt.username,
        "username_key": attempt.username.casefold(),
        "password_hash": hash_password(settings, attempt.password),
        "created_at": attempt.at,
    }
    try:
        db.users.insert_one(user)
    except DuplicateKeyError as exc:
        raise UsernameTaken(f"the username {attempt.username!r} is taken") from exc
    return user


def authenticate(db: Database, settings: GatewaySettings, attempt: Attempt) -> dict[str, Any]:
    """The user, if the password is right. Every attempt takes a slot of the (username, address)
    limit and of the address's limit before the password is checked, so parallel guesses cannot
    outrun the count; a right password gives both back. The owner, elsewhere, is not locked out
    by someone guessing from another address."""
    key = attempt.username.casefold()

    def check() -> dict[str, Any]:
        user = db.users.find_one({"username_key": key})
        stored = user["password_hash"] if user else _passwords(settings).dummy_hash
        _verify(settings, stored, attempt.password)
        if user is None:
            raise BadCredentials("unknown username or wrong password")
        return user

    try:
        return _throttled(db, settings, key, attempt, check)
    except VerificationError:
        raise BadCredentials("unknown username or wrong password") from None


def confirm_password(
    db: Database, settings: GatewaySettings, user: dict[str, Any], attempt: Attempt
) -> None:
    """WrongPassword unless `attempt.password` is the signed-in user's password, throttled as a
    sign-in of that username from that address is (one count for both): a stolen access token
    must not buy unlimited guesses."""

    def check() -> None:
        _verify(settings, user["password_hash"], attempt.password)

    try:
        _throttled(db, settings, user["username_key"], attempt, check)
    except VerificationError:
        raise WrongPassword("the password is wrong") from None


def hash_password(settings: GatewaySettings, password: str) -> str:
    return _passwords(settings).hasher.hash(password)


T = TypeVar("T")


def _throttled(
    db: Database, settings: GatewaySettings, key: str, attempt: Attempt, check: Callable[[], T]
) -> T:
    """`check()` as one attempt of the (username key, address) and address limits: its slots
    are claimed first and given back if it raises nothing."""
    address, now = attempt.address, attempt.at
    limit = limits(settings)
    user_slot = throttle.claim(db, limit.sign_in_failures_per_user, (key, address), now)
    try:
        address_slot = throttle.claim(db, limit.sign_in_failures_per_address, (address,), now)
    except LimitReached:
        throttle.release(db, user_slot)  # refused unchecked: not a guess
        raise
    result = check()
    throttle.release(db, address_slot)
    throttle.clear(db, limit.sign_in_failures_per_user, (key, address), now)
    return result


def _verify(settings: GatewaySettings, password_hash: str, password: str) -> None:
    """VerificationError unless the password matches (argon2's own errors are all of that kind:
    a mismatch, or a stored hash it cannot read). The hash's own parameters are used."""
    _passwords(settings).hasher.verify(password_hash, password)


def account(db: Database, user_id: str) -> dict[str, Any] | None:
    """The account's public part (id and username), or None if it no longer exists."""
    return db.users.find_one({"_id": user_id}, {"_id": 1, "username": 1})
