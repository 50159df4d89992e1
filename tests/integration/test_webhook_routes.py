"""/v1/webhooks over the real servers: a person registers a callback URL (its secret shown once),
lists, reads and deletes their own, sees the recent attempts to deliver to one, and nobody
else's; URLs that would make Jaryo call its own network are refused unless the gateway allows
local use, and link-local ones even then; a person's limit holds against racing requests."""

from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import urllib3

from gateway.app import create_app
from tests.integration.processes import free_port, gateway

pytestmark = pytest.mark.integration

SECRET = re.compile(r"whsec_[A-Za-z0-9+/]{43}=")
CONCURRENT = 20


@pytest.fixture
def gateway_with(gateway_settings):
    """The gateway in this process with some settings changed (closed after the test)."""
    made = []

    def make(**overrides):
        app = create_app(gateway_settings.model_copy(update=overrides), run_relay=False)
        made.append(app)
        return app.test_client()

    yield make
    for app in made:
        app.extensions["jaryo"].close()


@pytest.fixture
def local(gateway_with):
    """A gateway that allows local use (http, loopback and private addresses)."""
    return gateway_with(webhooks_allow_local=True)


@pytest.fixture
def strict(gateway_with):
    """A gateway as in production: public https only."""
    return gateway_with(webhooks_allow_local=False)


@pytest.fixture
def receiver_url() -> str:
    """Where a receiver on this machine would listen (registering never calls it)."""
    return f"http://127.0.0.1:{free_port()}/jaryo-hook"


def register(client, user, url, events=("deck.completed",), **fields):
    body = {"url": url, "events": list(events), **fields}
    return client.post("/v1/webhooks", json=body, headers=user.auth)


def test_a_webhook_is_registered_listed_read_and_deleted_its_secret_shown_once(
    local, make_user, receiver_url, db
):
    user = make_user()
    events = ["deck.failed", "upload.completed", "deck.failed", "deck.completed"]
    created = register(local, user, receiver_url, events, description="my CI")
    assert created.status_code == 201, created.get_json()
    hook = created.get_json()
    assert created.headers["Location"] == f"/v1/webhooks/{hook['id']}"
    assert SECRET.fullmatch(hook.pop("secret"))
    assert hook == {
        "id": hook["id"],
        "url": receiver_url,
        "events": ["deck.completed", "deck.failed", "upload.completed"],
        "description": "my CI",
        "status": "active",
        "failing_since": None,
        "created_at": hook["created_at"],
    }
    assert datetime.fromisoformat(hook["created_at"]) > datetime.now(UTC) - timedelta(minutes=1)
    # What the webhook service reads to sign deliveries: the secret the caller was shown.
    assert db.webhooks.find_one({"_id": hook["id"]})["secret"] == created.get_json()["secret"]

    listed = local.get("/v1/webhooks", headers=user.auth)
    assert listed.status_code == 200
    assert listed.get_json() == {"items": [hook], "next_cursor": None}
    read = local.get(f"/v1/webhooks/{hook['id']}", headers=user.auth)
    assert read.status_code == 200 and read.get_json() == hook
    assert "whsec_" not in listed.get_data(as_text=True) + read.get_data(as_text=True)

    assert local.delete(f"/v1/webhooks/{hook['id']}", headers=user.auth).status_code == 204
    assert local.get(f"/v1/webhooks/{hook['id']}", headers=user.auth).status_code == 404
    assert local.get("/v1/webhooks", headers=user.auth).get_json()["items"] == []
    assert local.delete(f"/v1/webhooks/{hook['id']}", headers=user.auth).status_code == 404


def test_the_list_pages_newest_first(local, make_user, receiver_url):
    user = make_user()
    made = [register(local, user, receiver_url).get_json()["id"] for _ in range(3)]
    first = local.get("/v1/webhooks?limit=2", headers=user.auth).get_json()
    assert [hook["id"] for hook in first["items"]] == made[::-1][:2]
    rest = local.get(f"/v1/webhooks?limit=2&cursor={first['next_cursor']}", headers=user.auth)
    assert [hook["id"] for hook in rest.get_json()["items"]] == made[:1]
    assert rest.get_json()["next_cursor"] is None


def test_another_persons_webhook_is_not_found_on_every_route(local, make_user, receiver_url):
    owner, other = make_user(), make_user()
    hook_id = register(local, owner, receiver_url).get_json()["id"]
    register(local, other, receiver_url)

    for path in (f"/v1/webhooks/{hook_id}", f"/v1/webhooks/{hook_id}/deliveries"):
        answer = local.get(path, headers=other.auth)
        assert answer.status_code == 404 and answer.get_json()["code"] == "not-found"
    assert local.delete(f"/v1/webhooks/{hook_id}", headers=other.auth).status_code == 404
    listed = local.get("/v1/webhooks", headers=other.auth).get_json()["items"]
    assert hook_id not in [hook["id"] for hook in listed] and len(listed) == 1
    for malformed in ("nope", hook_id.upper(), hook_id + "0", "0" * 32):
        assert local.get(f"/v1/webhooks/{malformed}", headers=owner.auth).status_code == 404
        assert local.delete(f"/v1/webhooks/{malformed}", headers=owner.auth).status_code == 404
    assert local.get(f"/v1/webhooks/{hook_id}", headers=owner.auth).status_code == 200
    assert local.get(f"/v1/webhooks/{hook_id}").status_code == 401


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"events": ["deck.requested"]}, "/events/0"),
        ({"events": ["deck.completed", "everything"]}, "/events/1"),
        ({"events": []}, "/events"),
        ({"events": "deck.completed"}, "/events"),
        ({"description": "x" * 201}, "/description"),
        ({"secret": "whsec_chosen"}, "/secret"),
    ],
)
def test_a_body_that_is_not_a_webhook_is_refused_naming_the_field(
    local, make_user, receiver_url, body, pointer, db
):
    user = make_user()
    answer = local.post(
        "/v1/webhooks",
        json={"url": receiver_url, "events": ["deck.completed"], **body},
        headers=user.auth,
    )
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert (answer.get_json()["code"], answer.get_json()["pointer"]) == ("invalid-input", pointer)
    assert db.webhooks.count_documents({"user_id": user.user_id}) == 0


def test_a_receiver_on_this_machine_is_accepted_only_with_local_use(
    local, strict, make_user, receiver_url, db
):
    user = make_user()
    assert register(local, user, receiver_url).status_code == 201

    refused = register(strict, user, receiver_url)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    problem = refused.get_json()
    assert (problem["code"], problem["reason"], problem["pointer"]) == (
        "unsafe-webhook-url",
        "scheme",
        "/url",
    )
    assert problem["type"] == "https://jaryo.dev/problems/unsafe-webhook-url"
    assert db.webhooks.count_documents({"user_id": user.user_id}) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://localhost/",
        "https://10.1.2.3/hook",
    ],
)
def test_urls_on_jaryos_own_network_are_refused_without_local_use(strict, make_user, url, db):
    user = make_user()
    refused = register(strict, user, url)
    assert refused.status_code == 422
    assert (refused.get_json()["code"], refused.get_json()["reason"]) == (
        "unsafe-webhook-url",
        "address",
    )
    assert db.webhooks.count_documents({"user_id": user.user_id}) == 0


@pytest.mark.parametrize(
    "url",
    ["https://169.254.169.254/latest/meta-data", "http://169.254.169.254/", "http://0.0.0.0/"],
)
def test_the_metadata_address_is_refused_even_with_local_use(local, make_user, url, db):
    user = make_user()
    refused = register(local, user, url)
    assert refused.status_code == 422
    assert (refused.get_json()["code"], refused.get_json()["reason"]) == (
        "unsafe-webhook-url",
        "address",
    )
    assert db.webhooks.count_documents({"user_id": user.user_id}) == 0


def test_twenty_racing_registrations_against_a_limit_of_three_leave_three(gateway_settings, db):
    limits = {"JARYO_MAX_WEBHOOKS_PER_USER": "3", "JARYO_WEBHOOKS_ALLOW_LOCAL": "true"}
    with gateway(gateway_settings, workers=2, env=limits) as url:
        http = urllib3.PoolManager(maxsize=CONCURRENT)
        credentials = {"username": f"user-{uuid.uuid4().hex[:12]}", "password": "a password!"}
        registered = http.request("POST", url + "/v1/auth/register", json=credentials).json()
        token = http.request("POST", url + "/v1/auth/token", json=credentials).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        start = threading.Barrier(CONCURRENT)

        def add(_: int) -> tuple[int, str]:
            body = {"url": f"http://127.0.0.1:{free_port()}/", "events": ["deck.completed"]}
            start.wait()
            answer = http.request("POST", url + "/v1/webhooks", json=body, headers=auth)
            return answer.status, answer.json().get("code", "")

        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            answers = sorted(pool.map(add, range(CONCURRENT)))
        listed = http.request("GET", url + "/v1/webhooks", headers=auth).json()["items"]

    assert answers == [(201, "")] * 3 + [(429, "too-many-webhooks")] * (CONCURRENT - 3)
    assert len(listed) == 3
    assert db.webhooks.count_documents({"user_id": registered["user_id"]}) == 3


def _attempt(hook_id, user_id, event_id, attempt, at, **fields):
    return {
        "_id": f"{hook_id}:{event_id}:{attempt}",
        "hook_id": hook_id,
        "user_id": user_id,
        "event_id": event_id,
        "event_type": "deck.completed",
        "attempt": attempt,
        "at": at,
        "duration_ms": 12,
        "status_code": 500,
        "error": "the receiver answered 500",
        "outcome": "failed",
        "next_attempt_at": at + timedelta(seconds=30),
        **fields,
    }


def test_deliveries_show_the_hooks_own_attempts_newest_first(local, make_user, receiver_url, db):
    user = make_user()
    hook_id = register(local, user, receiver_url).get_json()["id"]
    other_hook = register(local, user, receiver_url).get_json()["id"]
    assert local.get(f"/v1/webhooks/{hook_id}/deliveries", headers=user.auth).get_json() == {
        "items": []
    }
    at = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    db.webhook_attempts.insert_many(
        [
            _attempt(hook_id, user.user_id, "e1", 1, at),
            _attempt(
                hook_id,
                user.user_id,
                "e1",
                2,
                at + timedelta(seconds=30),
                status_code=None,
                error="connection refused",
                outcome="gave_up",
                next_attempt_at=None,
            ),
            _attempt(
                hook_id,
                user.user_id,
                "e2",
                1,
                at + timedelta(seconds=10),
                event_type="upload.completed",
                status_code=204,
                error=None,
                outcome="delivered",
                next_attempt_at=None,
                duration_ms=7,
            ),
            _attempt(other_hook, user.user_id, "e3", 1, at + timedelta(seconds=20)),
        ]
    )

    answer = local.get(f"/v1/webhooks/{hook_id}/deliveries", headers=user.auth)
    assert answer.status_code == 200
    items = answer.get_json()["items"]
    assert [(d["event_id"], d["attempt"]) for d in items] == [("e1", 2), ("e2", 1), ("e1", 1)]
    assert items[1] == {
        "event_id": "e2",
        "event_type": "upload.completed",
        "attempt": 1,
        "at": (at + timedelta(seconds=10)).isoformat(),
        "status_code": 204,
        "error": None,
        "outcome": "delivered",
        "next_attempt_at": None,
        "duration_ms": 7,
    }
    assert items[0]["error"] == "connection refused" and items[0]["status_code"] is None
    assert items[2]["next_attempt_at"] == (at + timedelta(seconds=30)).isoformat()

    newest = local.get(f"/v1/webhooks/{hook_id}/deliveries?limit=1", headers=user.auth)
    assert [(d["event_id"], d["attempt"]) for d in newest.get_json()["items"]] == [("e1", 2)]
    for wrong in ("0", "101", "two"):
        path = f"/v1/webhooks/{hook_id}/deliveries?limit={wrong}"
        assert local.get(path, headers=user.auth).status_code == 422

    assert local.delete(f"/v1/webhooks/{hook_id}", headers=user.auth).status_code == 204
    assert db.webhook_attempts.count_documents({"hook_id": hook_id}) == 0
    assert db.webhook_attempts.count_documents({"hook_id": other_hook}) == 1
