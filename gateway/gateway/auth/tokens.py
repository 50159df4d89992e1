"""Issuing and verifying JWTs with joserfc (HS256; iss, aud, sub, exp, iat and jti checked).

Tokens are signed with the current key and name it in their `kid` header (a digest of the key,
never the key). Previous keys still verify the tokens they signed, so the key can be rotated
without signing everyone out (docs/operations.md says how)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import OctKey
from joserfc.jwt import JWTClaimsRegistry

ALGORITHM = "HS256"
TokenKind = Literal["access", "refresh"]


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class VerifiedToken:
    user_id: str
    jti: str
    kind: TokenKind
    expires_at: datetime


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
        kid = jws.extract_compact(token.encode()).headers().get("kid")
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
        self, user_id: str, kind: TokenKind, now: datetime, lifetime: timedelta
    ) -> tuple[str, str]:
        """A signed token and its jti."""
        jti = uuid.uuid4().hex
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user_id,
            "iat": int(now.timestamp()),
            "exp": int((now + lifetime).timestamp()),
            "jti": jti,
            "typ": kind,
        }
        header = {"alg": ALGORITHM, "typ": "JWT", "kid": self._kid}
        return jwt.encode(header, claims, self._key), jti

    def verify(self, token: str, kind: TokenKind, now: datetime) -> VerifiedToken:
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
        return VerifiedToken(
            user_id=str(claims["sub"]),
            jti=str(claims["jti"]),
            kind=kind,
            expires_at=datetime.fromtimestamp(claims["exp"], tz=now.tzinfo),
        )
