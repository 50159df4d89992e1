"""Issuing and verifying JWTs with joserfc (HS256; iss, aud, sub, exp, iat and jti checked).

Tokens are signed with the current key and name it in their `kid` header (a digest of the key,
never the key). Previous keys still verify the tokens they signed, so the key can be rotated
without signing everyone out (docs/operations.md says how). Every token also carries `fam`, the
sign-in it descends from, so a replayed refresh token (or a sign-out) can end that whole sign-in,
and `gen`, the account's token generation when it was issued: a sign-out of every device (or a
new password) moves the generation on, and every token issued before is refused (sessions.py).

Whatever a client sends is untrusted: a token that is not a well-formed JWT with sane claims is
InvalidToken (a 401), never an exception from deeper down."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import OctKey
from joserfc.jwt import JWTClaimsRegistry

ALGORITHM = "HS256"
TokenKind = Literal["access", "refresh"]
# Ours are about 400 characters; a longer one is junk, refused before any parsing.
MAX_TOKEN_CHARS = 4096
# NumericDates beyond these (1970 and the last second of year 9999) are absurd, and Python's
# datetime cannot even hold the later ones.
MIN_DATE, MAX_DATE = 0, 253_402_300_799


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class VerifiedToken:
    user_id: str
    jti: str
    kind: TokenKind
    expires_at: datetime
    family: str  # the sign-in they descend from (their own jti if they predate `fam`)
    generation: int  # the account's token generation at issue (0 if they predate `gen`)


def key_id(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


class TokenService:
    def __init__(
        self, secret: str, issuer: str, audience: str, previous_secrets: Sequence[str] = ()
    ) -> None:
        for value in (secret, *previous_secrets):
            if len(value.encode()) < 32:
                raise ValueError("JWT signing keys must be at least 32 bytes")
        self._key = OctKey.import_key(secret)
        self._kid = key_id(secret)
        self._verifying = {self._kid: self._key}  # the current key first
        self._verifying.update({key_id(s): OctKey.import_key(s) for s in previous_secrets})
        self._issuer = issuer
        self._audience = audience

    def _candidate_keys(self, token: str) -> list[OctKey]:
        """The key a token names in its `kid` header. A token without one was issued before
        tokens named their key, by the current key or one rotated out since: every key is
        tried. An unknown kid gets the current key, whose signature check then fails."""
        kid = _protected_header(token).get("kid")
        if kid is None:
            return list(self._verifying.values())
        return [self._verifying.get(kid, self._key) if isinstance(kid, str) else self._key]

    def _decode(self, token: str) -> jwt.Token:
        keys = self._candidate_keys(token)
        for key in keys[:-1]:
            try:
                return jwt.decode(token, key, algorithms=[ALGORITHM])
            except BadSignatureError:
                continue
        return jwt.decode(token, keys[-1], algorithms=[ALGORITHM])

    def issue(
        self,
        user_id: str,
        kind: TokenKind,
        now: datetime,
        lifetime: timedelta,
        family: str | None = None,
        generation: int = 0,
    ) -> tuple[str, str]:
        """A signed token and its jti, naming its sign-in (`fam`) and the account's token
        generation (`gen`)."""
        jti = uuid.uuid4().hex
        claims: dict[str, object] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user_id,
            "iat": int(now.timestamp()),
            "exp": int((now + lifetime).timestamp()),
            "jti": jti,
            "typ": kind,
            "gen": generation,
        }
        if family is not None:
            claims["fam"] = family
        header = {"alg": ALGORITHM, "typ": "JWT", "kid": self._kid}
        return jwt.encode(header, claims, self._key), jti

    def verify(self, token: str, kind: TokenKind, now: datetime) -> VerifiedToken:
        if len(token) > MAX_TOKEN_CHARS:
            raise InvalidToken("the token is too long")
        try:
            decoded = self._decode(token)
            JWTClaimsRegistry(
                now=int(now.timestamp()),
                leeway=0,
                iss={"essential": True, "value": self._issuer},
                aud={"essential": True, "value": self._audience},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                jti={"essential": True},
                typ={"essential": True, "value": kind},
            ).validate(decoded.claims)
        except (JoseError, ValueError, TypeError) as exc:
            raise InvalidToken(str(exc)) from exc
        claims = decoded.claims
        for name in ("exp", "iat", "nbf"):
            _check_numeric_date(claims, name)
        family = claims.get("fam", claims["jti"])
        if not isinstance(family, str) or not family:
            raise InvalidToken("the claim 'fam' must be a string")
        generation = claims.get("gen", 0)
        if isinstance(generation, bool) or not isinstance(generation, int) or generation < 0:
            raise InvalidToken("the claim 'gen' must be a whole number")
        return VerifiedToken(
            user_id=str(claims["sub"]),
            jti=str(claims["jti"]),
            kind=kind,
            expires_at=datetime.fromtimestamp(claims["exp"], tz=now.tzinfo),
            family=family,
            generation=generation,
        )


def _protected_header(token: str) -> dict[str, object]:
    """The token's header, which must be a JSON object (joserfc assumes it is)."""
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, RecursionError) as exc:  # binascii, JSON and UTF-8 errors are ValueErrors
        raise InvalidToken("the token's header is not base64url-encoded JSON") from exc
    if not isinstance(header, dict):
        raise InvalidToken("the token's header is not a JSON object")
    return header


def _check_numeric_date(claims: dict[str, object], name: str) -> None:
    value = claims.get(name)
    if value is None and name == "nbf":
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not MIN_DATE <= value <= MAX_DATE
    ):
        raise InvalidToken(f"the claim {name!r} is not a plausible date")
