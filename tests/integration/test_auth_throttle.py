"""Sign-in and registration limits over the real servers, with the default limits and a clock
that only moves when told to: parallel guesses cannot outrun the count, a guesser is slowed
without locking the owner out, one address cannot spray many usernames or register without end,
and the records expire and are purged."""

from __future__ import annotations

import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from gateway.app import create_app
from gateway.auth import throttle
from gateway.bootstrap import bootstrap
from gateway.settings import GatewaySettings
from janitor.bootstrap import bootstrap as janitor_bootstrap
from janitor.policies import expired_auth_records
from janitor.run import POLICIES
from janitor.settings import JanitorSettings
from jaryo_shared.clock import FixedClock
from tests.integration.conftest import JWT_SECRET

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
PASSWORD = "correct horse battery"
# One second into a window of every limit (they are whole minutes and hours since 1970), so no
# test straddles a window's end by accident.
START = datetime(2026, 12, 1, 12, 0, 1, tzinfo=UTC)


@pytest.fixture
def limited(settings):
    """The gateway with its default limits and a FixedClock: (app, clock, settings)."""
    limits = GatewaySettings(**{**settings.model_dump(), "jwt_secret": JWT_SECRET})
    deps = bootstrap(limits)
    deps.clock = clock = FixedClock(START)
    app = create_app(limits, deps, run_relay=False)
    yield app, clock, limits
    deps.close()


def _address() -> str:
    """An address of this test's own: the session's records stay in one database."""
    return "10." + ".".join(str(random.randrange(256)) for _ in range(3))


def _username() -> str:
    return f"user-{uuid.uuid4().hex[:12]}"


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _register(app, address: str, username: str):
    return _client(app, address).post(
        "/v1/auth/register", json={"username": username, "password": PASSWORD}
    )


def _sign_in(app, address: str, username: str, password: str = PASSWORD):
    return _client(app, address).post(
        "/v1/auth/token", json={"username": username, "password": password}
    )


def _assert_limited(response, limit: str, max_wait: int) -> None:
    assert response.status_code == 429, response.get_json()
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["limit"] == limit
    assert body["code"] == "too-many-attempts"
    assert 1 <= int(response.headers["Retry-After"]) <= max_wait + 1


def test_repeated_failures_get_429_with_retry_after_even_for_the_right_password(limited):
    app, _, limits = limited
    address, username = _address(), _username()
    assert _register(app, address, username).status_code == 201
    for _ in range(limits.login_failures_allowed):
        assert _sign_in(app, address, username, "not the password").status_code == 401
    _assert_limited(
        _sign_in(app, address, username),
        "sign-in-failures-per-username-and-address",
        limits.login_lockout_seconds,
    )


def test_failures_below_the_limit_do_not_lock_the_account_out(limited):
    app, _, limits = limited
    address, username = _address(), _username()
    assert _register(app, address, username).status_code == 201
    for _ in range(limits.login_failures_allowed - 1):
        assert _sign_in(app, address, username, "not the password").status_code == 401
    assert _sign_in(app, address, username).status_code == 200
    # A success clears the count: the limit starts again.
    for _ in range(limits.login_failures_allowed - 1):
        assert _sign_in(app, address, username, "not the password").status_code == 401
    assert _sign_in(app, address, username).status_code == 200


def test_unknown_usernames_are_throttled_too(limited):
    app, _, limits = limited
    address, username = _address(), _username()
    for _ in range(limits.login_failures_allowed):
        assert _sign_in(app, address, username, "anything").status_code == 401
    response = _sign_in(app, address, username, "anything")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_forty_parallel_wrong_guesses_check_at_most_the_allowed_number(limited):
    app, _, limits = limited
    address, username = _address(), _username()
    assert _register(app, _address(), username).status_code == 201

    start = threading.Barrier(40)

    def guess(_: int):
        client = _client(app, address)
        start.wait()  # all at once
        return client.post("/v1/auth/token", json={"username": username, "password": "wrong"})

    with ThreadPoolExecutor(max_workers=40) as pool:
        responses = list(pool.map(guess, range(40)))

    statuses = [r.status_code for r in responses]
    checked = statuses.count(401)  # a 401 is a password that was checked and wrong
    assert checked == limits.login_failures_allowed, statuses
    assert statuses.count(429) == 40 - checked, statuses
    _assert_limited(
        _sign_in(app, address, username),  # even the right password, from there
        "sign-in-failures-per-username-and-address",
        limits.login_lockout_seconds,
    )


def test_the_owner_signs_in_from_elsewhere_while_the_guesser_is_throttled(limited):
    app, _, limits = limited
    attacker, owner_address, username = _address(), _address(), _username()
    assert _register(app, owner_address, username).status_code == 201
    for _ in range(limits.login_failures_allowed):
        assert _sign_in(app, attacker, username, "wrong guess").status_code == 401
    assert _sign_in(app, attacker, username, "wrong guess").status_code == 429

    response = _sign_in(app, owner_address, username)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["access_token"]


def test_one_address_guessing_across_many_usernames_is_stopped(limited):
    app, _, limits = limited
    sprayer, bystander = _address(), _address()
    allowed = limits.login_address_failures_allowed
    assert allowed > limits.login_failures_allowed  # else the per-username limit hits first
    usernames = [_username() for _ in range(allowed)]
    for username in usernames:
        assert _sign_in(app, sprayer, username, "wrong guess").status_code == 401

    _assert_limited(
        _sign_in(app, sprayer, _username(), "wrong guess"),
        "sign-in-failures-per-address",
        limits.login_lockout_seconds,
    )
    # The limit is the address's: the same usernames from elsewhere are checked as usual.
    assert _sign_in(app, bystander, usernames[0], "wrong guess").status_code == 401


def test_right_passwords_do_not_use_up_the_address_limit(limited):
    """Many people behind one address (an office) sign in all day."""
    app, _, limits = limited
    office, username = _address(), _username()
    assert _register(app, _address(), username).status_code == 201
    for _ in range(limits.login_address_failures_allowed + 5):
        assert _sign_in(app, office, username).status_code == 200


def test_a_window_ending_does_not_hand_the_guesser_a_fresh_allowance(limited):
    """Guesses used up just before a window ends lock the pair for a whole window from then."""
    app, clock, limits = limited
    address, username = _address(), _username()
    clock.advance(timedelta(seconds=limits.login_lockout_seconds - 10))  # 9 s left in the window
    for _ in range(limits.login_failures_allowed):
        assert _sign_in(app, address, username, "wrong guess").status_code == 401
    locked = _sign_in(app, address, username, "wrong guess")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == limits.login_lockout_seconds

    clock.advance(timedelta(seconds=30))  # a new window
    assert _sign_in(app, address, username, "wrong guess").status_code == 429
    clock.advance(timedelta(seconds=limits.login_lockout_seconds - 30))
    assert _sign_in(app, address, username, "wrong guess").status_code == 401


def test_sign_in_failures_expire_and_are_purged(limited, settings, db):
    app, clock, limits = limited
    address, username = _address(), _username()
    assert _register(app, _address(), username).status_code == 201
    for _ in range(limits.login_failures_allowed):
        assert _sign_in(app, address, username, "wrong guess").status_code == 401
    locked = _sign_in(app, address, username)
    assert locked.status_code == 429
    window_left = int(locked.headers["Retry-After"])

    clock.advance(timedelta(seconds=window_left - 2))
    assert _sign_in(app, address, username).status_code == 429  # not a moment early
    clock.advance(timedelta(seconds=2))
    assert _sign_in(app, address, username).status_code == 200

    # The janitor deletes the records of ended windows, and only those.
    records = db.rate_limits.count_documents({})
    assert records > 0
    janitor = janitor_bootstrap(JanitorSettings(**settings.model_dump()), clock)
    assert expired_auth_records in POLICIES
    planned = expired_auth_records.plan(janitor)
    ended = [p for p in planned if p.subject.startswith("rate_limits/")]
    assert ended
    for item in planned:
        expired_auth_records.purge(janitor, item)
    now = clock.now()
    assert db.rate_limits.count_documents({"expires_at": {"$lte": now}}) == 0
    assert db.rate_limits.count_documents({}) == records - len(ended)
    janitor.publisher.close()


def test_registrations_from_one_address_are_limited(limited):
    app, clock, limits = limited
    address = _address()
    for _ in range(limits.registrations_per_address):
        assert _register(app, address, _username()).status_code == 201

    refused = _register(app, address, _username())
    _assert_limited(refused, "registrations-per-address", limits.registration_window_seconds)
    assert "registrations" in refused.get_json()["detail"]
    assert _register(app, _address(), _username()).status_code == 201  # others still can

    clock.advance(timedelta(seconds=int(refused.headers["Retry-After"])))
    assert _register(app, address, _username()).status_code == 201


def test_a_limit_reached_under_a_lower_setting_does_not_lock_a_gateway_allowing_more(db):
    """Two gateways with different limits on one database (a settings change rolling out): the
    lock one writes when its limit is reached names that limit, so it binds only gateways that
    enforce the same limit."""
    scope, now = (f"198.51.100.{random.randint(1, 254)}-{uuid.uuid4().hex[:6]}",), datetime.now(UTC)
    strict = throttle.Limit("registrations-per-address", 2, 3600, "too many")
    generous = throttle.Limit("registrations-per-address", 1000, 3600, "too many")
    throttle.claim(db, strict, scope, now)
    throttle.claim(db, strict, scope, now)
    with pytest.raises(throttle.LimitReached):
        throttle.claim(db, strict, scope, now)
    throttle.claim(db, generous, scope, now)  # counted with the others, but not locked
    with pytest.raises(throttle.LimitReached):
        throttle.claim(db, strict, scope, now)  # the strict one still is
