"""Users, passwords (argon2id), sign-in throttling and refresh-token rotation, over MongoDB."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from gateway.auth.tokens import TokenService
from gateway.problems import Problem
from gateway.settings import GatewaySettings

_hasher = PasswordHasher()
# Verified against when the user does not exist, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


class UsernameTaken(Problem):
    status, slug, title = 409, "username-taken", "Username taken"


class BadCredentials(Problem):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class TooManyAttempts(Problem):
    status, slug, title = 429, "too-many-attempts", "Too many attempts"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int

    def as_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }


def register(db: Database, username: str, password: str, now: datetime) -> dict[str, Any]:
    user = {
        "_id": uuid.uuid4().hex,
        "username": username,
        "username_key": username.casefold(),
        "password_hash": _hasher.hash(password),
        "created_at": now,
    }
    try:
        db.users.insert_one(user)
    except DuplicateKeyError as exc:
        raise UsernameTaken(f"the username {username!r} is taken") from exc
    return user


def authenticate(
    db: Database, settings: GatewaySettings, username: str, password: str, now: datetime
) -> dict[str, Any]:
    key = username.casefold()
    _refuse_if_locked_out(db, settings, key, now)
    user = db.users.find_one({"username_key": key})
    try:
        _hasher.verify(user["password_hash"] if user else _DUMMY_HASH, password)
        if user is None:
            raise VerificationError
    except VerificationError:
        _count_failure(db, settings, key, now)
        raise BadCredentials("unknown username or wrong password") from None
    db.login_failures.delete_one({"_id": key})
    return user


def _refuse_if_locked_out(db: Database, settings: GatewaySettings, key: str, now: datetime) -> None:
    record = db.login_failures.find_one({"_id": key})
    if not record or record["count"] < settings.login_failures_allowed:
        return
    until = record["last_failure"] + timedelta(seconds=settings.login_lockout_seconds)
    if until > now:
        problem = TooManyAttempts("too many failed sign-ins; try again later")
        problem.headers["Retry-After"] = str(max(1, int((until - now).total_seconds()) + 1))
        raise problem
    db.login_failures.delete_one({"_id": key})


def _count_failure(db: Database, settings: GatewaySettings, key: str, now: datetime) -> None:
    db.login_failures.update_one(
        {"_id": key}, {"$inc": {"count": 1}, "$set": {"last_failure": now}}, upsert=True
    )


def issue_pair(
    db: Database, tokens: TokenService, settings: GatewaySettings, user_id: str, now: datetime
) -> TokenPair:
    access, _ = tokens.issue(
        user_id, "access", now, timedelta(seconds=settings.access_token_seconds)
    )
    refresh_lifetime = timedelta(seconds=settings.refresh_token_seconds)
    refresh, jti = tokens.issue(user_id, "refresh", now, refresh_lifetime)
    db.refresh_tokens.insert_one(
        {"_id": jti, "user_id": user_id, "used": False, "expires_at": now + refresh_lifetime}
    )
    return TokenPair(access, refresh, settings.access_token_seconds)


def use_refresh_token(db: Database, jti: str, user_id: str) -> bool:
    """Spend a refresh token: True the first time, False ever after (rotation)."""
    spent = db.refresh_tokens.find_one_and_update(
        {"_id": jti, "user_id": user_id, "used": False}, {"$set": {"used": True}}
    )
    return spent is not None
