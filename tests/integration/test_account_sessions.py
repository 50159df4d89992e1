"""A person's own account through the real gateway: changing the password, signing out this
device or every device, deleting the account; "signed out" meaning every token refused at once,
access tokens included."""

from __future__ import annotations

import io
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import urllib3

from gateway.app import create_app
from jaryo_shared import account_deletions
from tests.helpers import png_bytes, wait_until
from tests.integration.processes import gateway
from tests.tokens import claims, sign

pytestmark = pytest.mark.integration

CSRF = {"X-Jaryo-CSRF": "1"}
COOKIE, COOKIE_PATH = "jaryo_refresh", "/v1/auth/refresh"
NEW_PASSWORD = "a brand new password"


@dataclass
class Device:
    """One sign-in: its pair."""

    access_token: str
    refresh_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def _device(client, username: str, password: str) -> Device:
    body = {"username": username, "password": password}
    answer = client.post("/v1/auth/token", json=body)
    assert answer.status_code == 200, answer.get_json()
    pair = answer.get_json()
    return Device(pair["access_token"], pair["refresh_token"])


def _me(client, device: Device) -> int:
    return client.get("/v1/me", headers=device.auth).status_code


def _refresh(client, device: Device):
    return client.post("/v1/auth/refresh", json={"refresh_token": device.refresh_token})


def _signs_in(client, username: str, password: str) -> int:
    body = {"username": username, "password": password}
    return client.post("/v1/auth/token", json=body).status_code


def _change(
    client, device: Device, current: str, new: str = NEW_PASSWORD, *, body=None, headers=None
):
    body = {"current_password": current, "new_password": new, **(body or {})}
    return client.post("/v1/me/password", json=body, headers={**device.auth, **(headers or {})})


def _signed_out(client, device: Device) -> bool:
    """Neither of the device's tokens works: its access token is refused at once, and its
    refresh token gets no new pair."""
    return _me(client, device) == 401 and _refresh(client, device).status_code == 401


# Changing the password


def test_a_new_password_signs_out_every_other_device_at_once(client, make_user):
    user = make_user()
    a, b = (
        _device(client, user.username, user.password),
        _device(client, user.username, user.password),
    )

    changed = _change(client, a, user.password)

    assert changed.status_code == 200, changed.get_json()
    new_a = Device(changed.get_json()["access_token"], changed.get_json()["refresh_token"])
    assert _me(client, new_a) == 200
    unauthorized = client.get("/v1/me", headers=b.auth)
    assert unauthorized.status_code == 401
    assert "every device" in unauthorized.get_json()["detail"]
    assert _signed_out(client, b)
    assert _signed_out(client, a)  # this device's old pair too: the answer replaced it
    assert _refresh(client, new_a).status_code == 200
    assert _signs_in(client, user.username, user.password) == 401
    assert _signs_in(client, user.username, NEW_PASSWORD) == 200


def test_a_wrong_current_password_is_403_and_changes_nothing(client, make_user):
    user = make_user()
    device = _device(client, user.username, user.password)

    refused = _change(client, device, "not my password")

    assert refused.status_code == 403
    assert refused.get_json()["code"] == "wrong-password"
    assert _me(client, device) == 200  # still signed in: 403, not 401
    assert _signs_in(client, user.username, user.password) == 200
    assert _signs_in(client, user.username, NEW_PASSWORD) == 401


def test_the_new_password_follows_the_registration_rules_and_differs(client, make_user):
    user = make_user()
    device = _device(client, user.username, user.password)
    same = _change(client, device, user.password, user.password)
    assert same.status_code == 422
    assert same.get_json()["pointer"] == "/new_password"
    assert _change(client, device, user.password, "short").status_code == 422
    assert _change(client, device, user.password, "x" * 257).status_code == 422
    assert _me(client, device) == 200
    assert _signs_in(client, user.username, user.password) == 200


@pytest.fixture
def strict_client(gateway_settings):
    """A gateway that allows 3 failed sign-ins per username and address."""
    app = create_app(
        gateway_settings.model_copy(
            # A window of a day: no window ends in the middle of the test.
            update={"login_failures_allowed": 3, "login_lockout_seconds": 86_400}
        ),
        run_relay=False,
    )
    yield app.test_client()
    app.extensions["jaryo"].close()


@pytest.mark.parametrize("route", ["password", "delete"])
def test_wrong_passwords_are_throttled_as_failed_sign_ins(strict_client, route):
    """A stolen access token buys no more guesses than the sign-in gives: the same count."""
    client = strict_client
    username, password = f"user-{uuid.uuid4().hex[:12]}", "correct horse battery"
    body = {"username": username, "password": password}
    assert client.post("/v1/auth/register", json=body).status_code == 201
    device = _device(client, username, password)

    def guess(attempt: str):
        if route == "password":
            return _change(client, device, attempt)
        return client.delete("/v1/me", json={"password": attempt}, headers=device.auth)

    assert _signs_in(client, username, "wrong 1") == 401  # the sign-in's failures count too
    assert [guess(f"wrong {n}").status_code for n in (2, 3)] == [403, 403]
    limited = guess(password)  # even the right one, now
    assert limited.status_code == 429
    assert limited.get_json()["limit"] == "sign-in-failures-per-username-and-address"
    assert int(limited.headers["Retry-After"]) > 0
    assert _signs_in(client, username, password) == 429
    assert _me(client, device) == 200


# Signing out


def test_signing_out_this_device_leaves_the_other_signed_in(client, make_user):
    user = make_user()
    a, b = (
        _device(client, user.username, user.password),
        _device(client, user.username, user.password),
    )

    answer = client.post("/v1/auth/signout", headers=a.auth)

    assert answer.status_code == 204
    assert answer.headers["Set-Cookie"].startswith(f"{COOKIE}=;")
    assert _signed_out(client, a)
    assert _me(client, b) == 200
    assert _refresh(client, b).status_code == 200


def test_signing_out_by_refresh_token_ends_the_sign_ins_access_token_too(client, make_user):
    user = make_user()
    a, b = (
        _device(client, user.username, user.password),
        _device(client, user.username, user.password),
    )
    revoke = {"refresh_token": a.refresh_token}
    assert client.post("/v1/auth/refresh/revoke", json=revoke).status_code == 204
    assert _signed_out(client, a)
    assert _me(client, b) == 200


def test_signing_out_every_device_signs_out_this_one_too(client, make_user):
    user = make_user()
    a, b = (
        _device(client, user.username, user.password),
        _device(client, user.username, user.password),
    )

    answer = client.post("/v1/me/signout-all", headers=a.auth)

    assert answer.status_code == 204
    assert answer.headers["Set-Cookie"].startswith(f"{COOKIE}=;")
    replayed = client.get("/v1/me", headers=a.auth)
    assert replayed.status_code == 401
    assert "every device" in replayed.get_json()["detail"]
    assert _signed_out(client, a)
    assert _signed_out(client, b)
    assert client.post("/v1/me/signout-all", headers=b.auth).status_code == 401
    again = _device(client, user.username, user.password)  # signing in again works
    assert _me(client, again) == 200


def test_a_token_without_a_generation_is_of_generation_zero(client, make_user, gateway_settings):
    """Tokens issued before `gen` existed keep working until every device is signed out."""
    user = make_user()
    secret = gateway_settings.jwt_secret.get_secret_value()
    old = Device(sign(claims(gateway_settings, user.user_id), secret), "")
    assert _me(client, old) == 200
    for bad in ("1", -1, True, 1.5):
        forged = Device(sign(claims(gateway_settings, user.user_id, gen=bad), secret), "")
        assert _me(client, forged) == 401, bad
    ahead = Device(sign(claims(gateway_settings, user.user_id, gen=1), secret), "")
    assert _me(client, ahead) == 401

    assert client.post("/v1/me/signout-all", headers=old.auth).status_code == 204

    assert _me(client, old) == 401
    assert _me(client, ahead) == 200  # the account's generation is 1 now: a forger needs the key


def test_signing_out_with_a_token_that_names_no_sign_in_ends_that_token(
    client, make_user, gateway_settings
):
    user = make_user()
    secret = gateway_settings.jwt_secret.get_secret_value()
    old = Device(sign(claims(gateway_settings, user.user_id), secret), "")  # no `fam`
    other = _device(client, user.username, user.password)
    assert client.post("/v1/auth/signout", headers=old.auth).status_code == 204
    assert _me(client, old) == 401
    assert _me(client, other) == 200


# The browser flow


def test_a_new_password_in_the_browser_flow_sets_a_new_cookie_that_refreshes(client, make_user):
    user = make_user()
    body = {"username": user.username, "password": user.password, "session": "cookie"}
    signed_in = client.post("/v1/auth/token", json=body, headers=CSRF)
    device = Device(signed_in.get_json()["access_token"], "")
    old_cookie = client.get_cookie(COOKIE, path=COOKIE_PATH).value

    no_header = _change(client, device, user.password, body={"session": "cookie"})
    assert no_header.status_code == 403
    assert no_header.get_json()["code"] == "csrf-refused"

    changed = _change(
        client,
        device,
        user.password,
        body={"session": "cookie"},
        headers={
            **device.auth,
            **CSRF,
        },
    )
    assert changed.status_code == 200, changed.get_json()
    assert "refresh_token" not in changed.get_json()
    new_cookie = client.get_cookie(COOKIE, path=COOKIE_PATH).value
    assert new_cookie != old_cookie
    assert _me(client, Device(changed.get_json()["access_token"], "")) == 200
    assert _me(client, device) == 401
    refreshed = client.post("/v1/auth/refresh", json={}, headers=CSRF)
    assert refreshed.status_code == 200
    assert client.post("/v1/auth/refresh", json={"refresh_token": old_cookie}).status_code == 401


def test_signing_out_in_the_browser_flow_clears_the_cookie_and_ends_its_sign_in(client, make_user):
    user = make_user()
    body = {"username": user.username, "password": user.password, "session": "cookie"}
    device = Device(
        client.post("/v1/auth/token", json=body, headers=CSRF).get_json()["access_token"], ""
    )
    cookie = client.get_cookie(COOKIE, path=COOKIE_PATH).value

    assert client.post("/v1/auth/signout", headers={**device.auth, **CSRF}).status_code == 204

    assert client.get_cookie(COOKIE, path=COOKIE_PATH) is None
    assert _me(client, device) == 401
    # The cookie's token, were it kept, belongs to the ended sign-in.
    assert client.post("/v1/auth/refresh", json={"refresh_token": cookie}).status_code == 401


# Deleting the account


def _upload(client, device: Device) -> str:
    data = {"images": (io.BytesIO(png_bytes(40, 30)), "page.png")}
    answer = client.post(
        "/v1/uploads", data=data, headers=device.auth, content_type="multipart/form-data"
    )
    assert answer.status_code == 202, answer.get_json()
    return str(answer.get_json()["upload_id"])


def test_deleting_the_account_needs_its_password(client, make_user, db):
    user = make_user()
    device = _device(client, user.username, user.password)
    refused = client.delete("/v1/me", json={"password": "not my password"}, headers=device.auth)
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "wrong-password"
    assert client.delete("/v1/me", json={}, headers=device.auth).status_code == 422
    assert _me(client, device) == 200
    assert not account_deletions.recorded(db, user.user_id)


def test_a_deleted_account_is_gone_at_once_and_its_name_is_free(client, make_user, db):
    user = make_user()
    a, b = (
        _device(client, user.username, user.password),
        _device(client, user.username, user.password),
    )
    upload_id = _upload(client, a)

    deleted = client.delete("/v1/me", json={"password": user.password}, headers=a.auth)

    assert deleted.status_code == 204
    assert deleted.headers["Set-Cookie"].startswith(f"{COOKIE}=;")
    for device in (a, b):
        refused = client.get("/v1/me", headers=device.auth)
        assert refused.status_code == 401
        assert refused.get_json()["detail"] == "the account no longer exists"
        assert _signed_out(client, device)
        assert client.get(f"/v1/uploads/{upload_id}", headers=device.auth).status_code == 401
    signing_in = client.post(
        "/v1/auth/token", json={"username": user.username, "password": user.password}
    )
    assert signing_in.status_code == 401
    assert signing_in.get_json()["code"] == "bad-credentials"
    record = db.account_deletions.find_one({"_id": user.user_id})
    assert record["username"] == user.username

    again = client.post(
        "/v1/auth/register", json={"username": user.username, "password": "someone else's"}
    )
    assert again.status_code == 201
    assert again.get_json()["user_id"] != user.user_id
    newcomer = _device(client, user.username, "someone else's")
    assert client.get(f"/v1/uploads/{upload_id}", headers=newcomer.auth).status_code == 404
    assert client.get("/v1/uploads", headers=newcomer.auth).get_json()["items"] == []
    assert _signed_out(client, a)  # the old account's tokens name the old id


# Concurrent changes

CONCURRENT = 20


def test_of_concurrent_password_changes_exactly_one_is_made(gateway_settings):
    """20 requests from 4 devices change the password at once, each to its own. Exactly one
    is answered 200, and its password is the account's; the others are refused as signed out
    (401: a change came first, which signed out their device), so no device is told a password
    that does not work. Over gunicorn with four workers: the account lock is between processes."""
    with gateway(gateway_settings, workers=4, env={"JARYO_LOGIN_FAILURES_ALLOWED": "1000"}) as url:
        http = urllib3.PoolManager(maxsize=CONCURRENT)
        username, password = f"user-{uuid.uuid4().hex[:12]}", "the old password"
        body = {"username": username, "password": password}
        assert http.request("POST", url + "/v1/auth/register", json=body).status == 201
        # 4 devices, each with the access tokens of 5 refreshes (a sign-in costs an argon2
        # check, a refresh does not)
        tokens = []
        for _device in range(4):
            pair = http.request("POST", url + "/v1/auth/token", json=body).json()
            for _refresh in range(CONCURRENT // 4):
                tokens.append(pair["access_token"])
                refresh = {"refresh_token": pair["refresh_token"]}
                pair = http.request("POST", url + "/v1/auth/refresh", json=refresh).json()
        start = threading.Barrier(CONCURRENT)

        def change(n: int) -> int:
            start.wait()
            answer = http.request(
                "POST",
                url + "/v1/me/password",
                json={"current_password": password, "new_password": f"new password {n}"},
                headers={"Authorization": f"Bearer {tokens[n]}"},
            )
            return answer.status

        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            statuses = list(pool.map(change, range(CONCURRENT)))

        assert sorted(statuses) == [200] + [401] * (CONCURRENT - 1)
        winner = statuses.index(200)

        def signs_in(attempt: str) -> int:
            sign_in = {"username": username, "password": attempt}
            return http.request("POST", url + "/v1/auth/token", json=sign_in).status

        assert signs_in(f"new password {winner}") == 200
        assert signs_in(password) == 401
        losers = [n for n in range(CONCURRENT) if n != winner]
        assert [signs_in(f"new password {n}") for n in losers[:3]] == [401] * 3
        for token in tokens:
            me = http.request("GET", url + "/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status == 401


# Answers already streaming

HEARTBEAT = 0.5


@pytest.fixture
def quick_heartbeat_client(gateway_settings):
    """A gateway whose event streams send a heartbeat (and ask about the sign-in) every 0.5 s."""
    app = create_app(
        gateway_settings.model_copy(update={"events_heartbeat_seconds": HEARTBEAT}),
        run_relay=False,
    )
    yield app.test_client()
    app.extensions["jaryo"].close()


class EventStream:
    """`GET .../events` read on a thread of its own (Flask's streamed request context is per
    thread): each event's name and when it came, until the stream ends or `timeout`."""

    def __init__(self, client, upload_id: str, device: Device, timeout: float = 20) -> None:
        self.events: list[tuple[str, float]] = []
        self.ended_at: float | None = None
        self._thread = threading.Thread(
            target=self._read, args=(client, upload_id, device, timeout), daemon=True
        )
        self._thread.start()

    def _read(self, client, upload_id: str, device: Device, timeout: float) -> None:
        response = client.get(
            f"/v1/uploads/{upload_id}/events", headers=device.auth, buffered=False
        )
        assert response.status_code == 200
        deadline = time.monotonic() + timeout
        for chunk in response.response:
            text = chunk.decode() if isinstance(chunk, bytes) else chunk
            if text.startswith("event: "):
                name = text.split("\n", 1)[0].removeprefix("event: ")
                self.events.append((name, time.monotonic()))
            if time.monotonic() > deadline:
                break
        else:
            self.ended_at = time.monotonic()
        response.close()

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


def test_signing_out_ends_the_devices_event_stream_within_a_heartbeat(
    quick_heartbeat_client, make_user
):
    client, user = quick_heartbeat_client, make_user()
    a, b = (
        _device(client, user.username, user.password),
        _device(client, user.username, user.password),
    )
    upload_id = _upload(client, a)  # no workers: it stays processing, the streams stay open
    streams = {"a": EventStream(client, upload_id, a), "b": EventStream(client, upload_id, b)}
    wait_until(lambda: all(s.names() == ["progress"] for s in streams.values()), timeout=10)

    assert client.post("/v1/auth/signout", headers=a.auth).status_code == 204
    signed_out_at = time.monotonic()
    streams["a"].join(timeout=10)

    assert streams["a"].names() == ["progress", "signed-out"]
    assert streams["a"].ended_at is not None
    # Within a heartbeat, with slack for the machine's load (the default heartbeat is 15 s).
    assert streams["a"].ended_at - signed_out_at < HEARTBEAT + 3.0
    time.sleep(2 * HEARTBEAT)
    assert streams["b"].ended_at is None and streams["b"].names() == ["progress"]
    assert client.post("/v1/me/signout-all", headers=b.auth).status_code == 204
    streams["b"].join(timeout=10)
    assert streams["b"].names() == ["progress", "signed-out"]
