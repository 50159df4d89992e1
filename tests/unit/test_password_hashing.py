"""Passwords are hashed with argon2id at the cost the settings name (RFC 9106's second
recommendation unless told otherwise), and a password hashed at another cost still signs in."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest

from gateway.auth import accounts
from gateway.problems import BadCredentials
from gateway.settings import GatewaySettings
from tests.unit.fakes import FakeDatabase

NOW = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
SECRET = secrets.token_urlsafe(48)


def _settings(**cost) -> GatewaySettings:
    return GatewaySettings(jwt_secret=SECRET, **cost)  # type: ignore[arg-type]


def _attempt(password: str) -> accounts.Attempt:
    return accounts.Attempt("someone", password, "10.0.0.1", NOW)


def test_by_default_a_password_is_hashed_with_argon2id_over_64_mib_in_3_passes_and_4_lanes():
    assert accounts.hash_password(_settings(), "a password").startswith(
        "$argon2id$v=19$m=65536,t=3,p=4$"
    )


def test_a_password_hashed_at_another_cost_still_signs_in_and_a_wrong_one_does_not():
    db = FakeDatabase()
    cheap = _settings(
        password_hash_time_cost=1, password_hash_memory_kib=1024, password_hash_parallelism=1
    )
    user = accounts.register(db, cheap, _attempt("the right password"))
    assert user["password_hash"].startswith("$argon2id$v=19$m=1024,t=1,p=1$")

    dearer = _settings(password_hash_time_cost=2, password_hash_memory_kib=2048)
    assert accounts.authenticate(db, dearer, _attempt("the right password"))["_id"] == user["_id"]
    with pytest.raises(BadCredentials):
        accounts.authenticate(db, dearer, _attempt("a wrong password"))


@pytest.mark.parametrize(
    "cost",
    [
        {"password_hash_time_cost": 0},
        {"password_hash_memory_kib": 512},
        {"password_hash_parallelism": 0},
    ],
)
def test_a_cost_too_low_to_be_argon2_is_refused_at_start(cost):
    with pytest.raises(ValueError, match="password_hash"):
        _settings(**cost)
