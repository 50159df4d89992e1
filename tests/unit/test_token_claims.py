"""The claims that tie a token to its sign-in (`fam`) and to the account's token generation
(`gen`): written into every token, read back as issued, absent in old tokens as their own jti
and generation 0, and anything else in `gen` refused."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from gateway.auth.tokens import InvalidToken, TokenService

KEY = "k" * 32 + "-signing-key"
ISSUER, AUDIENCE = "https://jaryo.test", "jaryo-api"
NOW = datetime.fromtimestamp(int(time.time()), UTC)
SERVICE = TokenService(KEY, ISSUER, AUDIENCE)


def _signed(**extra: object) -> str:
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 300,
        "jti": uuid.uuid4().hex,
        "typ": "access",
        **extra,
    }
    return jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, OctKey.import_key(KEY))


@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_every_token_names_its_sign_in_and_generation(kind):
    token, _ = SERVICE.issue(
        "user-1", kind, NOW, timedelta(minutes=5), family="sign-in-1", generation=3
    )
    verified = SERVICE.verify(token, kind, NOW)
    assert (verified.family, verified.generation) == ("sign-in-1", 3)


def test_a_token_from_before_the_claims_is_its_own_sign_in_of_generation_zero():
    token = _signed()
    verified = SERVICE.verify(token, "access", NOW)
    assert verified.generation == 0
    assert verified.family == verified.jti


@pytest.mark.parametrize("generation", ["1", -1, True, 1.5, None, [1]])
def test_a_generation_that_is_not_a_whole_number_is_refused(generation):
    with pytest.raises(InvalidToken):
        SERVICE.verify(_signed(gen=generation), "access", NOW)
