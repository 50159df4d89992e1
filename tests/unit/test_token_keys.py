"""Rotating the JWT signing key: tokens signed with a key being rotated out keep working while it
is listed as previous, and stop when it is removed; nothing else is accepted. And the gateway's
settings refuse a key anyone could know: one published in the repository, or a short one."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey
from pydantic import ValidationError

from gateway.auth.tokens import InvalidToken, TokenService
from gateway.settings import GatewaySettings

OLD, NEW, STRANGER = "o" * 32 + "-old-key", "n" * 32 + "-new-key", "s" * 32 + "-somebody"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _service(secret: str, previous: tuple[str, ...] = ()) -> TokenService:
    return TokenService(secret, "https://jaryo.test", "jaryo-api", previous_secrets=previous)


def _token(secret: str) -> str:
    token, _ = _service(secret).issue("user-1", "access", NOW, timedelta(minutes=15))
    return token


def test_a_token_signed_before_the_rotation_verifies_while_its_key_is_listed_as_previous():
    rotated = _service(NEW, previous=(OLD,))
    assert rotated.verify(_token(OLD), "access", NOW).user_id == "user-1"
    assert rotated.verify(_token(NEW), "access", NOW).user_id == "user-1"


def test_a_token_from_before_tokens_named_their_key_survives_the_first_rotation():
    claims_only = TokenService(OLD, "https://jaryo.test", "jaryo-api")
    legacy = jwt.encode(  # as the gateway signed them before the kid header (no kid)
        {"alg": "HS256", "typ": "JWT"},
        {
            "iss": "https://jaryo.test",
            "aud": "jaryo-api",
            "sub": "user-1",
            "iat": int(NOW.timestamp()),
            "exp": int((NOW + timedelta(days=30)).timestamp()),
            "jti": "j1",
            "typ": "refresh",
        },
        OctKey.import_key(OLD),
    )
    assert claims_only.verify(legacy, "refresh", NOW).user_id == "user-1"
    assert _service(NEW, previous=(OLD,)).verify(legacy, "refresh", NOW).user_id == "user-1"
    with pytest.raises(InvalidToken):
        _service(NEW).verify(legacy, "refresh", NOW)


def test_once_the_previous_key_is_removed_its_tokens_are_refused():
    with pytest.raises(InvalidToken):
        _service(NEW).verify(_token(OLD), "access", NOW)


def test_a_token_from_an_unknown_key_is_refused_even_when_it_names_a_known_kid():
    rotated = _service(NEW, previous=(OLD,))
    with pytest.raises(InvalidToken):
        rotated.verify(_token(STRANGER), "access", NOW)
    forged, _ = TokenService(STRANGER, "https://jaryo.test", "jaryo-api").issue(
        "user-1", "access", NOW, timedelta(minutes=15)
    )
    header_naming_old = _token(OLD).split(".")[0]
    with pytest.raises(InvalidToken):
        rotated.verify(".".join([header_naming_old, *forged.split(".")[1:]]), "access", NOW)


def test_a_short_previous_key_is_refused_at_start_up():
    with pytest.raises(ValueError, match="at least 32 bytes"):
        _service(NEW, previous=("short",))


PUBLISHED_KEYS = [
    "jaryo-local-development-signing-key-0123456789",  # scripts/lib.sh until the generated key
    "jaryo-dev-only-signing-key-never-in-production",  # the k8s dev overlay's
    "integration-tests-signing-key-0123456789abcdef",  # the integration tests' old one
]


@pytest.mark.parametrize("key", PUBLISHED_KEYS)
def test_the_gateway_settings_refuse_a_key_published_in_the_repository(key):
    with pytest.raises(ValidationError, match="published in Jaryo's repository"):
        GatewaySettings(jwt_secret=key)
    with pytest.raises(ValidationError, match="JARYO_JWT_PREVIOUS_SECRETS"):
        GatewaySettings(jwt_secret=NEW, jwt_previous_secrets=[key])


@pytest.mark.parametrize(
    ("key", "message"), [("", "is not set"), ("k" * 31, "shorter than 32 bytes")]
)
def test_the_gateway_settings_refuse_a_missing_or_short_key(key, message, monkeypatch):
    monkeypatch.delenv("JARYO_JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match=message):
        GatewaySettings(jwt_secret=key)
    with pytest.raises(ValidationError, match=r"secrets\.token_urlsafe"):  # says how to make one
        GatewaySettings(jwt_secret=key)


def test_a_generated_key_is_accepted():
    key = secrets.token_urlsafe(48)
    assert GatewaySettings(jwt_secret=key).jwt_secret.get_secret_value() == key
