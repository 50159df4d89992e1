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

from gateway.auth import throttle
from gateway.auth.tokens import TokenService, VerifiedToken
from gateway.problems import Problem
from gateway.settings import GatewaySettings

_hasher = PasswordHasher()
# Verified against when the user does not exist, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


class UsernameTaken(Problem):
    status, slug, title = 409, "username-taken", "Username taken"


class BadCredentials(Problem):
    status, slug, title = 401, "unauthorized", "Unauthorized"


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


def register(
    db: Database,
    settings: GatewaySettings,
    username: str,
    password: str,
    address: str,
    now: datetime,
) -> dict[str, Any]:
    """A new account. Each attempt counts against its address's registration limit, a taken
    name too (else names could be probed for free)."""
    throttle.claim(db, registration_limit(settings), (address,), now)
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


def registration_limit(settings: GatewaySettings) -> throttle.Limit:
    return throttle.Limit(
        "registrations-per-address",
        settings.registrations_per_address,
        settings.registration_window_seconds,
        "too many registrations from your address",
    )


def _user_limit(settings: GatewaySettings) -> throttle.Limit:
    return throttle.Limit(
        "sign-in-failures-per-username-and-address",
        settings.login_failures_allowed,
        settings.login_lockout_seconds,
        "too many failed sign-ins for this username from your address",
    )


def _address_limit(settings: GatewaySettings) -> throttle.Limit:
    return throttle.Limit(
        "sign-in-failures-per-address",
        settings.login_address_failures_allowed,
        settings.login_lockout_seconds,
        "too many failed sign-ins from your address",
    )


def authenticate(
    db: Database,
    settings: GatewaySettings,
    username: str,
    password: str,
    address: str,
    now: datetime,
) -> dict[str, Any]:
    """The user, if the password is right. Every attempt takes a slot of the (username, address)
    limit and of the address's limit before the password is checked, so parallel guesses cannot
    outrun the count; a right password gives both back. The owner, elsewhere, is not locked out
    by someone guessing from another address."""
    key = username.casefold()
    address_limit, user_limit = _address_limit(settings), _user_limit(settings)
    user_slot = throttle.claim(db, user_limit, (key, address), now)
    try:
        address_slot = throttle.claim(db, address_limit, (address,), now)
    except throttle.LimitReached:
        throttle.release(db, user_slot)  # refused unchecked: not a guess
        raise
    user = db.users.find_one({"username_key": key})
    try:
        _hasher.verify(user["password_hash"] if user else _DUMMY_HASH, password)
        if user is None:
            raise VerificationError
    except VerificationError:
        raise BadCredentials("unknown username or wrong password") from None
    throttle.release(db, address_slot)
    throttle.clear(db, user_limit, (key, address), now)
    return user


def issue_pair(
    db: Database,
    tokens: TokenService,
    settings: GatewaySettings,
    user_id: str,
    now: datetime,
    family: str | None = None,
) -> TokenPair:
    """An access and a refresh token. A sign-in starts a family; each refresh continues it."""
    access, _ = tokens.issue(
        user_id, "access", now, timedelta(seconds=settings.access_token_seconds)
    )
    refresh_lifetime = timedelta(seconds=settings.refresh_token_seconds)
    family = family or uuid.uuid4().hex
    refresh, jti = tokens.issue(user_id, "refresh", now, refresh_lifetime, family=family)
    db.refresh_tokens.insert_one(
        {"_id": jti, "user_id": user_id, "family": family, "expires_at": now + refresh_lifetime}
    )
    return TokenPair(access, refresh, settings.access_token_seconds)


class RefreshRefused(Exception):
    pass


def redeem_refresh_token(
    db: Database, settings: GatewaySettings, token: VerifiedToken, now: datetime
) -> str:
    """Spend a refresh token, once; its family, to continue. The spend is the insert of its
    jti into refresh_redemptions: of any number of concurrent redemptions exactly one insert
    succeeds (FerretDB's findAndModify would let two through). A token presented again means
    two parties hold the family (the client and a thief, and which is which cannot be told), so
    the whole family is revoked and the owner signs in again (OAuth 2.0 Security BCP, RFC 9700
    4.14.2)."""
    record = db.refresh_tokens.find_one({"_id": token.jti})
    if record is None or record["user_id"] != token.user_id:
        raise RefreshRefused("the refresh token is unknown")
    family = record.get("family", token.family)
    if db.refresh_family_revocations.find_one({"_id": family}, {"_id": 1}) is not None:
        raise RefreshRefused("this sign-in was ended; sign in again")
    try:
        if record.get("used"):  # spent before redemptions were recorded: spent all the same
            raise DuplicateKeyError("already used")
        db.refresh_redemptions.insert_one(
            {
                "_id": token.jti,
                "family": family,
                "user_id": token.user_id,
                "redeemed_at": now,
                "expires_at": token.expires_at,  # later it is refused as expired anyway
            }
        )
    except DuplicateKeyError:
        _revoke_family(db, settings, family, token.user_id, now)
        raise RefreshRefused(
            "the refresh token was already used, so this sign-in was ended; sign in again"
        ) from None
    return str(family)


def _revoke_family(
    db: Database, settings: GatewaySettings, family: str, user_id: str, now: datetime
) -> None:
    # Kept until every token of the family has expired (with an hour for in-flight refreshes).
    expires_at = now + timedelta(seconds=settings.refresh_token_seconds, hours=1)
    try:
        db.refresh_family_revocations.insert_one(
            {"_id": family, "user_id": user_id, "revoked_at": now, "expires_at": expires_at}
        )
    except DuplicateKeyError:
        pass  # revoked already: by a concurrent replay, say
