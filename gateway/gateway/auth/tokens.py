"""Issuing and verifying JWTs with joserfc (HS256; iss, aud, sub, exp, iat and jti checked)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from joserfc import jwt
from joserfc.errors import JoseError
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


class TokenService:
    def __init__(self, secret: str, issuer: str, audience: str) -> None:
        if len(secret.encode()) < 32:
            raise ValueError("JARYO_JWT_SECRET must be at least 32 bytes")
        self._key = OctKey.import_key(secret)
        self._issuer = issuer
        self._audience = audience

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
        return jwt.encode({"alg": ALGORITHM, "typ": "JWT"}, claims, self._key), jti

    def verify(self, token: str, kind: TokenKind, now: datetime) -> VerifiedToken:
        try:
            decoded = jwt.decode(token, self._key, algorithms=[ALGORITHM])
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
