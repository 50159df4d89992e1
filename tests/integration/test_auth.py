"""Accounts and tokens through the real gateway: registration, sign-in, throttling, refresh-token
rotation, /v1/me, and the bearer check refusing every kind of forged or misused token."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.tokens import b64url as _b64url
from tests.tokens import claims as _claims
from tests.tokens import sign as _sign

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
PASSWORD = "correct horse battery"


def _username() -> str:
    return f"user-{uuid.uuid4().hex[:12]}"


def _register(client, username: str, password: str = PASSWORD):
    return client.post("/v1/auth/register", json={"username": username, "password": password})


def _sign_in(client, username: str, password: str = PASSWORD):
    return client.post("/v1/auth/token", json={"username": username, "password": password})


def _me(client, token: str):
    return client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})


def _right_key(gateway_settings) -> str:
    return gateway_settings.jwt_secret.get_secret_value()


def _alg_none(gateway_settings, user_id: str) -> str:
    header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(_claims(gateway_settings, user_id)).encode())
    return f"{header}.{payload}."


def _other_key(gateway_settings, user_id: str) -> str:
    return _sign(_claims(gateway_settings, user_id), "another-signing-key-" + "x" * 32)


def _hs512_right_key(gateway_settings, user_id: str) -> str:
    return _sign(_claims(gateway_settings, user_id), _right_key(gateway_settings), "HS512")


def _wrong_audience(gateway_settings, user_id: str) -> str:
    claims = _claims(gateway_settings, user_id, aud="some-other-api")
    return _sign(claims, _right_key(gateway_settings))


def _wrong_issuer(gateway_settings, user_id: str) -> str:
    claims = _claims(gateway_settings, user_id, iss="https://evil.example")
    return _sign(claims, _right_key(gateway_settings))


def _expired(gateway_settings, user_id: str) -> str:
    now = int(time.time())
    claims = _claims(gateway_settings, user_id, iat=now - 3600, exp=now - 60)
    return _sign(claims, _right_key(gateway_settings))


def _refresh_kind(gateway_settings, user_id: str) -> str:
    claims = _claims(gateway_settings, user_id, typ="refresh")
    return _sign(claims, _right_key(gateway_settings))


def _without_jti(gateway_settings, user_id: str) -> str:
    claims = _claims(gateway_settings, user_id)
    del claims["jti"]
    return _sign(claims, _right_key(gateway_settings))


def _unknown_user(gateway_settings, user_id: str) -> str:
    return _sign(_claims(gateway_settings, uuid.uuid4().hex), _right_key(gateway_settings))


def _tampered_payload(gateway_settings, user_id: str) -> str:
    """A genuine token for someone else with the payload swapped for this user's."""
    genuine = _sign(_claims(gateway_settings, uuid.uuid4().hex), _right_key(gateway_settings))
    header, _, signature = genuine.split(".")
    payload = _b64url(json.dumps(_claims(gateway_settings, user_id)).encode())
    return f"{header}.{payload}.{signature}"


BAD_TOKENS: dict[str, Callable[[Any, str], str]] = {
    "alg-none": _alg_none,
    "signed-with-another-key": _other_key,
    "hs512-with-the-right-key": _hs512_right_key,
    "wrong-audience": _wrong_audience,
    "wrong-issuer": _wrong_issuer,
    "expired": _expired,
    "refresh-typ": _refresh_kind,
    "no-jti": _without_jti,
    "tampered-payload": _tampered_payload,
    "account-does-not-exist": _unknown_user,
}


# Registration


def test_register_returns_201_with_user_id_and_username(client, db):
    username = _username()
    response = _register(client, username)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"user_id", "username"}
    assert body["username"] == username
    stored = db.users.find_one({"_id": body["user_id"]})
    assert stored["username"] == username
    assert PASSWORD not in json.dumps(stored, default=str)


@pytest.mark.parametrize("variant", [str, str.upper], ids=["same", "different-case"])
def test_registering_a_taken_username_is_409_problem(client, variant):
    username = _username()
    assert _register(client, username).status_code == 201
    response = _register(client, variant(username), "another password entirely")
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == 409
    assert body["type"].endswith("/username-taken")
    assert body["code"] == "username-taken"


def test_password_of_seven_characters_is_refused_with_422_problem(client, db):
    username = _username()
    response = _register(client, username, "7chars!")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == 422
    assert any(error["pointer"] == "/password" for error in body["errors"])
    assert db.users.find_one({"username": username}) is None


def test_password_of_eight_characters_is_accepted(client):
    assert _register(client, _username(), "8chars!!").status_code == 201


# Sign-in


def test_sign_in_returns_a_bearer_token_pair(client, gateway_settings):
    username = _username()
    _register(client, username)
    response = _sign_in(client, username)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == gateway_settings.access_token_seconds
    assert body["access_token"] and body["refresh_token"]
    assert body["access_token"] != body["refresh_token"]


def test_unknown_user_and_wrong_password_get_the_same_401(client):
    username = _username()
    _register(client, username)
    unknown = _sign_in(client, _username())
    wrong = _sign_in(client, username, "not the password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.mimetype == wrong.mimetype == PROBLEM
    assert unknown.get_json()["detail"] == wrong.get_json()["detail"]
    assert unknown.get_json()["type"] == wrong.get_json()["type"]
    # A refused sign-in is told apart from a missing or expired token by its code.
    assert unknown.get_json()["code"] == wrong.get_json()["code"] == "bad-credentials"


# Throttling: test_auth_throttle.py (with a clock that moves only when told to).


# Refresh


def test_refresh_returns_a_new_pair_and_the_old_refresh_token_is_spent(client, make_user):
    user = make_user()
    first = _sign_in(client, user.username).get_json()
    response = client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.get_json()
    assert second["token_type"] == "Bearer"
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert _me(client, second["access_token"]).get_json()["user_id"] == user.user_id

    third = client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert third.status_code == 200  # the rotated one works, once
    again = client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert again.status_code == 401
    assert again.mimetype == PROBLEM


# Concurrent refreshes with one token: test_refresh_race.py (over gunicorn's processes).


def test_replaying_a_spent_refresh_token_ends_that_sign_in(client, make_user):
    """Whoever replays it (the thief, or the owner after the thief), the family is revoked: the
    newest token is refused too and the owner has to sign in again."""
    user = make_user()
    first = _sign_in(client, user.username).get_json()["refresh_token"]
    other_sign_in = _sign_in(client, user.username).get_json()["refresh_token"]
    second = client.post("/v1/auth/refresh", json={"refresh_token": first}).get_json()
    newest = client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert newest.status_code == 200

    replay = client.post("/v1/auth/refresh", json={"refresh_token": first})
    assert replay.status_code == 401
    assert replay.mimetype == PROBLEM
    assert "sign in again" in replay.get_json()["detail"]
    after = client.post(
        "/v1/auth/refresh", json={"refresh_token": newest.get_json()["refresh_token"]}
    )
    assert after.status_code == 401
    assert after.mimetype == PROBLEM

    # Only that sign-in ended: another one goes on, and signing in again works.
    assert client.post("/v1/auth/refresh", json={"refresh_token": other_sign_in}).status_code == 200
    fresh = _sign_in(client, user.username)
    assert fresh.status_code == 200
    refreshed = client.post(
        "/v1/auth/refresh", json={"refresh_token": fresh.get_json()["refresh_token"]}
    )
    assert refreshed.status_code == 200


def test_access_token_is_refused_as_a_refresh_token(client, make_user):
    user = make_user()
    response = client.post("/v1/auth/refresh", json={"refresh_token": user.token})
    assert response.status_code == 401
    assert response.mimetype == PROBLEM


# /v1/me and the bearer check


def test_me_returns_the_caller(client, make_user):
    user = make_user()
    response = client.get("/v1/me", headers=user.auth)
    assert response.status_code == 200
    assert response.get_json() == {"user_id": user.user_id, "username": user.username}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["no-header", "empty-bearer", "basic-scheme"],
)
def test_me_without_a_bearer_token_is_401(client, headers):
    response = client.get("/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["code"] == "unauthorized"


def test_hand_built_correct_token_is_accepted(client, make_user, gateway_settings):
    """The control for the refusals below: the same builder, nothing wrong, gets in."""
    user = make_user()
    token = _sign(_claims(gateway_settings, user.user_id), _right_key(gateway_settings))
    response = _me(client, token)
    assert response.status_code == 200
    assert response.get_json()["user_id"] == user.user_id


@pytest.mark.parametrize("build", list(BAD_TOKENS.values()), ids=list(BAD_TOKENS))
def test_bad_token_is_refused_with_401_on_me(client, make_user, gateway_settings, build):
    user = make_user()
    response = _me(client, build(gateway_settings, user.user_id))
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def _header_is_a_json_array(gateway_settings, user_id: str) -> str:
    genuine = _sign(_claims(gateway_settings, user_id), _right_key(gateway_settings))
    return ".".join([_b64url(json.dumps(["alg"]).encode()), *genuine.split(".")[1:]])


def _junk_base64(gateway_settings, user_id: str) -> str:
    return "%%%%.****.~~~~"


def _deeply_nested_header(gateway_settings, user_id: str) -> str:
    genuine = _sign(_claims(gateway_settings, user_id), _right_key(gateway_settings))
    return ".".join([_b64url(b"[" * 1000 + b"]" * 1000), *genuine.split(".")[1:]])


def _absurd(claim: str, value: Any) -> Callable[[Any, str], str]:
    def build(gateway_settings, user_id: str) -> str:
        claims = _claims(gateway_settings, user_id, **{claim: value})
        return _sign(claims, _right_key(gateway_settings))

    return build


MALFORMED_TOKENS: dict[str, Callable[[Any, str], str]] = {
    "header-is-a-json-array": _header_is_a_json_array,
    "junk-base64": _junk_base64,
    "header-nested-1000-deep": _deeply_nested_header,
    "exp-1e30": _absurd("exp", 1e30),
    "exp-10**30": _absurd("exp", 10**30),
    "exp-minus-1e30": _absurd("exp", -1e30),
    "iat-minus-1e30": _absurd("iat", -1e30),
    "nbf-1e30": _absurd("nbf", 1e30),
}


@pytest.mark.parametrize("build", list(MALFORMED_TOKENS.values()), ids=list(MALFORMED_TOKENS))
def test_malformed_token_is_401_problem_not_500(client, make_user, gateway_settings, build):
    user = make_user()
    token = build(gateway_settings, user.user_id)
    response = _me(client, token)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # The same token offered as a refresh token.
    refused = client.post("/v1/auth/refresh", json={"refresh_token": token})
    assert refused.status_code == 401
    assert refused.mimetype == PROBLEM


def test_real_refresh_token_is_refused_as_an_access_token(client, make_user):
    user = make_user()
    refresh_token = _sign_in(client, user.username).get_json()["refresh_token"]
    response = _me(client, refresh_token)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
