"""Sign-ins as token pairs: an access token and a refresh token that rotates on every use, with
the whole sign-in ended if a spent refresh token comes back.

A token is live while its account exists, its sign-in (family) has not been ended, and it
carries the account's current token generation (`users.token_generation`, absent = 0): moving
the generation on signs out every device at once (account_changes.py). `check_live` is asked
on every request (require_user) and every refresh: two reads by `_id`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from gateway.auth import accounts
from gateway.auth.tokens import InvalidToken, TokenService, VerifiedToken
from gateway.problems import Unauthorized
from gateway.settings import GatewaySettings


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

    def access_json(self) -> dict[str, Any]:
        """The pair without its refresh token, for the browser flow (which sets it as a cookie)."""
        return {key: value for key, value in self.as_json().items() if key != "refresh_token"}


def sign_in(
    db: Database, tokens: TokenService, settings: GatewaySettings, attempt: accounts.Attempt
) -> TokenPair:
    """A new sign-in, if the password is right."""
    user = accounts.authenticate(db, settings, attempt)
    return issue_pair(db, tokens, settings, user["_id"], attempt.at, generation=generation_of(user))


def refresh(
    db: Database, tokens: TokenService, settings: GatewaySettings, refresh_token: str, now: datetime
) -> TokenPair:
    """The next pair of a sign-in, for its refresh token (spent by this call), or Unauthorized."""
    try:
        verified = tokens.verify(refresh_token, "refresh", now)
    except InvalidToken:
        raise Unauthorized("the refresh token is invalid or expired") from None
    check_live(db, verified)
    family = redeem_refresh_token(db, settings, verified, now)
    # The generation the token was checked against, not a fresh read: if every device was
    # signed out meanwhile, the new pair is refused too.
    return issue_pair(
        db, tokens, settings, verified.user_id, now, family=family, generation=verified.generation
    )


def check_live(db: Database, token: VerifiedToken) -> None:
    """Unauthorized unless the token's account exists, its generation is the account's and its
    sign-in was not ended."""
    user = db.users.find_one({"_id": token.user_id}, {"token_generation": 1})
    if user is None:
        raise Unauthorized("the account no longer exists")
    if generation_of(user) != token.generation:
        raise Unauthorized("signed out on every device; sign in again")
    if _family_revoked(db, token.family):
        raise Unauthorized("this sign-in was ended; sign in again")


def is_live(db: Database, token: VerifiedToken) -> bool:
    """check_live as a question: for what outlives its request's check (a stream)."""
    try:
        check_live(db, token)
    except Unauthorized:
        return False
    return True


def generation_of(user: dict[str, Any]) -> int:
    return int(user.get("token_generation", 0))


def end_sign_in(
    db: Database, settings: GatewaySettings, token: VerifiedToken, now: datetime
) -> None:
    """Sign out the device of this (verified) access token: its sign-in ends, so the token and
    every refresh token of the sign-in are refused from now on. A token from before access
    tokens named their sign-in has its own jti as its family: only the token itself ends."""
    _revoke_family(db, settings, token.family, token.user_id, now)


def sign_out(
    db: Database, tokens: TokenService, settings: GatewaySettings, refresh_token: str, now: datetime
) -> None:
    """End the sign-in the refresh token belongs to: none of its family refreshes again. A token
    that is invalid, expired or unknown has no live sign-in to end, so it is not an error."""
    try:
        verified = tokens.verify(refresh_token, "refresh", now)
    except InvalidToken:
        return
    record = db.refresh_tokens.find_one({"_id": verified.jti})
    if record is None or record["user_id"] != verified.user_id:
        return
    family = record.get("family", verified.family)
    _revoke_family(db, settings, str(family), verified.user_id, now)


def issue_pair(
    db: Database,
    tokens: TokenService,
    settings: GatewaySettings,
    user_id: str,
    now: datetime,
    family: str | None = None,
    generation: int = 0,
) -> TokenPair:
    """An access and a refresh token of the account's token generation. A sign-in starts a
    family; each refresh continues it."""
    family = family or uuid.uuid4().hex
    access_lifetime = timedelta(seconds=settings.access_token_seconds)
    access, _ = tokens.issue(
        user_id, "access", now, access_lifetime, family=family, generation=generation
    )
    refresh_lifetime = timedelta(seconds=settings.refresh_token_seconds)
    refresh_token, jti = tokens.issue(
        user_id, "refresh", now, refresh_lifetime, family=family, generation=generation
    )
    db.refresh_tokens.insert_one(
        {"_id": jti, "user_id": user_id, "family": family, "expires_at": now + refresh_lifetime}
    )
    return TokenPair(access, refresh_token, settings.access_token_seconds)


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
        raise Unauthorized("the refresh token is unknown")
    family = record.get("family", token.family)
    if _family_revoked(db, family):
        raise Unauthorized("this sign-in was ended; sign in again")
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
        raise Unauthorized(
            "the refresh token was already used, so this sign-in was ended; sign in again"
        ) from None
    return str(family)


def _family_revoked(db: Database, family: str) -> bool:
    return db.refresh_family_revocations.find_one({"_id": family}, {"_id": 1}) is not None


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
