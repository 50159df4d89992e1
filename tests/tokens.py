"""Hand-built JWTs for tests of what the gateway accepts and refuses."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.jwk import OctKey


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(gateway_settings, user_id: str, **overrides: Any) -> dict[str, Any]:
    """Claims the gateway accepts, unless overridden."""
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": gateway_settings.jwt_issuer,
        "aud": gateway_settings.jwt_audience,
        "sub": user_id,
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    values.update(overrides)
    return values


def sign(values: dict[str, Any], secret: str, alg: str = "HS256") -> str:
    return jwt.encode({"alg": alg, "typ": "JWT"}, values, OctKey.import_key(secret), [alg])
