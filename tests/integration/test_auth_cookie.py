"""The browser's sign-in flow through the real gateway: the refresh token in an HttpOnly,
SameSite=Strict cookie scoped to the refresh routes, rotated on every refresh, a replayed one
ending the sign-in, sign-out revoking and clearing it, and the CSRF check in front of it all."""

from __future__ import annotations

import pytest
from werkzeug.http import parse_date

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
CSRF = {"X-Jaryo-CSRF": "1"}
COOKIE, COOKIE_PATH = "jaryo_refresh", "/v1/auth/refresh"


def _sign_in(client, user, headers=CSRF, **extra):
    body = {"username": user.username, "password": user.password, "session": "cookie"}
    return client.post("/v1/auth/token", json=body, headers=headers, **extra)


def _refresh(client, headers=CSRF, **extra):
    return client.post("/v1/auth/refresh", json={}, headers=headers, **extra)


def _sign_out(client, headers=CSRF, **extra):
    return client.post("/v1/auth/refresh/revoke", json={}, headers=headers, **extra)


def _cookie_value(client) -> str | None:
    cookie = client.get_cookie(COOKIE, path=COOKIE_PATH)
    return None if cookie is None else cookie.value


def _attributes(response) -> dict[str, str]:
    """The one Set-Cookie header's attributes, by lower-case name (flags map to "")."""
    (header,) = response.headers.getlist("Set-Cookie")
    name_value, *attributes = [part.strip() for part in header.split(";")]
    assert name_value.startswith(f"{COOKIE}=")
    found = {}
    for attribute in attributes:
        name, _, value = attribute.partition("=")
        found[name.lower()] = value
    return found


def _me(client, access_token: str) -> int:
    return client.get("/v1/me", headers={"Authorization": f"Bearer {access_token}"}).status_code


def test_cookie_sign_in_answers_the_access_token_and_sets_the_refresh_token_as_a_cookie(
    client, make_user, gateway_settings
):
    user = make_user()
    response = _sign_in(client, user)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in"}  # no refresh token
    assert body["expires_in"] == gateway_settings.access_token_seconds
    assert _me(client, body["access_token"]) == 200
    attributes = _attributes(response)
    assert attributes["path"] == COOKIE_PATH
    assert attributes["max-age"] == str(gateway_settings.refresh_token_seconds)
    assert attributes["samesite"] == "Strict"
    assert "httponly" in attributes
    # The test client talks to http://localhost, a loopback page: no Secure (see below).
    assert "secure" not in attributes
    assert _cookie_value(client)


@pytest.mark.parametrize(
    "base_url", ["https://localhost", "http://jaryo.example"], ids=["https", "public-host"]
)
def test_the_cookie_is_secure_unless_the_page_is_plain_http_on_a_loopback_host(
    client, make_user, base_url
):
    """Over https, or over http to a public host (a proxy that ended TLS), Secure is set."""
    user = make_user()
    origin = {"Origin": base_url}
    response = _sign_in(client, user, headers={**CSRF, **origin}, base_url=base_url)
    assert response.status_code == 200
    assert "secure" in _attributes(response)


def test_refresh_with_the_cookie_rotates_it(client, make_user, gateway_settings):
    user = make_user()
    _sign_in(client, user)
    first = _cookie_value(client)
    response = _refresh(client)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert _me(client, body["access_token"]) == 200
    attributes = _attributes(response)
    assert attributes["path"] == COOKIE_PATH
    assert attributes["max-age"] == str(gateway_settings.refresh_token_seconds)
    second = _cookie_value(client)
    assert second and second != first
    assert _refresh(client).status_code == 200  # the rotated cookie works in turn


def test_a_replayed_old_cookie_is_refused_and_ends_the_sign_in(client, make_user):
    user = make_user()
    _sign_in(client, user)
    stolen = _cookie_value(client)
    assert _refresh(client).status_code == 200
    newest = _cookie_value(client)

    client.set_cookie(COOKIE, stolen, path=COOKIE_PATH)
    replay = _refresh(client)
    assert replay.status_code == 401
    assert replay.mimetype == PROBLEM
    assert "sign in again" in replay.get_json()["detail"]
    assert _attributes(replay)["max-age"] == "0"  # the refused cookie is cleared
    assert _cookie_value(client) is None

    client.set_cookie(COOKIE, newest, path=COOKIE_PATH)
    assert _refresh(client).status_code == 401  # the whole family is revoked
    # The JSON flow sees the same revocation.
    refused = client.post("/v1/auth/refresh", json={"refresh_token": newest})
    assert refused.status_code == 401


def test_refresh_without_a_cookie_is_401(client):
    response = _refresh(client)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.get_json()["code"] == "unauthorized"


def _step(step: str, client, user, headers):
    if step == "sign-in":
        return _sign_in(client, user, headers=headers)
    if step == "refresh":
        return _refresh(client, headers=headers)
    return _sign_out(client, headers=headers)


CSRF_FAILURES = {
    "no-header": {},
    "forged-header": {"X-Jaryo-CSRF": "0"},
    "foreign-origin": {**CSRF, "Origin": "https://evil.example"},
    "same-host-other-port": {**CSRF, "Origin": "http://localhost:9999"},
    "null-origin": {**CSRF, "Origin": "null"},
}


@pytest.mark.parametrize("headers", list(CSRF_FAILURES.values()), ids=list(CSRF_FAILURES))
@pytest.mark.parametrize("step", ["sign-in", "refresh", "sign-out"])
def test_a_cookie_flow_request_another_site_could_make_is_403(client, make_user, step, headers):
    user = make_user()
    assert _sign_in(client, user).status_code == 200
    cookie = _cookie_value(client)
    response = _step(step, client, user, headers)
    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    assert response.get_json()["code"] == "csrf-refused"
    assert "Set-Cookie" not in response.headers
    # Nothing happened: the cookie is untouched and still refreshes.
    assert _cookie_value(client) == cookie
    assert _refresh(client).status_code == 200


def test_an_origin_naming_this_host_is_accepted(client, make_user):
    user = make_user()
    response = _sign_in(client, user, headers={**CSRF, "Origin": "http://localhost"})
    assert response.status_code == 200
    assert _refresh(client, headers={**CSRF, "Origin": "http://localhost"}).status_code == 200


def test_sign_out_clears_the_cookie_and_ends_the_sign_in(client, make_user):
    user = make_user()
    _sign_in(client, user)
    assert _refresh(client).status_code == 200
    kept = _cookie_value(client)

    response = _sign_out(client)
    assert response.status_code == 204
    attributes = _attributes(response)
    assert attributes["max-age"] == "0"
    assert attributes["path"] == COOKIE_PATH
    assert parse_date(attributes["expires"]).year == 1970
    assert _cookie_value(client) is None

    client.set_cookie(COOKIE, kept, path=COOKIE_PATH)  # a copy kept from before
    assert _refresh(client).status_code == 401


def test_sign_out_without_a_cookie_is_still_204(client):
    assert _sign_out(client).status_code == 204


def test_the_cookie_is_sent_to_the_refresh_routes_only(client, make_user):
    user = make_user()
    _sign_in(client, user)
    cookie = client.get_cookie(COOKIE, path=COOKIE_PATH)
    assert cookie is not None and cookie.path == COOKIE_PATH
    for path, sent in [
        ("/v1/auth/refresh", True),
        ("/v1/auth/refresh/revoke", True),
        ("/v1/auth/token", False),
        ("/v1/me", False),
        ("/v1/uploads", False),
    ]:
        assert cookie._matches_request("localhost", path) is sent, path


# The JSON flow is unchanged by the cookie flow beside it.


def test_the_json_flow_sets_no_cookie_and_needs_no_header(client, make_user):
    user = make_user()
    body = {"username": user.username, "password": user.password}
    signed_in = client.post("/v1/auth/token", json=body)
    assert signed_in.status_code == 200
    assert "Set-Cookie" not in signed_in.headers
    pair = signed_in.get_json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    refreshed = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200
    assert "Set-Cookie" not in refreshed.headers
    assert "refresh_token" in refreshed.get_json()


def test_a_token_in_the_body_is_used_even_when_a_cookie_is_present(client, make_user):
    """An app's body token decides: the cookie of a browser session beside it is not touched."""
    user = make_user()
    _sign_in(client, user)
    cookie = _cookie_value(client)
    pair = client.post(
        "/v1/auth/token", json={"username": user.username, "password": user.password}
    ).get_json()
    response = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert _cookie_value(client) == cookie
    assert _refresh(client).status_code == 200  # the browser's sign-in goes on


def test_the_json_flow_signs_out_with_the_token_in_the_body(client, make_user):
    user = make_user()
    body = {"username": user.username, "password": user.password}
    pair = client.post("/v1/auth/token", json=body).get_json()
    revoked = client.post("/v1/auth/refresh/revoke", json={"refresh_token": pair["refresh_token"]})
    assert revoked.status_code == 204
    assert "Set-Cookie" not in revoked.headers
    again = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
