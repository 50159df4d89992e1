"""The work behind /v1/webhooks over in-memory fakes (gateway/webhooks/service.py): what a
registration stores, the URLs and bodies it refuses, the per-person limit and lock, listing,
reading and deleting only the caller's. The routes over the real servers (and the deliveries'
order, which the database sorts) are tests/integration/test_webhook_routes.py."""

from __future__ import annotations

import base64
import re
import socket
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from gateway import paging
from gateway.problems import AddingWebhook, TooManyWebhooks, UnsafeWebhookUrl
from gateway.webhooks import service
from gateway.webhooks.schemas import NewWebhook
from jaryo_shared.clock import FixedClock
from tests.unit.fakes import FakeDatabase

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
ROOMY = service.Limits(allow_local=False, max_per_user=10)


def resolving_to(*addresses: str):
    def resolve(host, port, type=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolve


PUBLIC = resolving_to("93.184.215.14")


def new(url: str = "https://hooks.example.com/jaryo", **fields) -> NewWebhook:
    return NewWebhook.model_validate({"url": url, "events": ["deck.completed"], **fields})


def register(db, clock, user_id="ada", body=None, limits=ROOMY, resolve=PUBLIC):
    return service.register(db, clock, limits, user_id, body or new(), resolve=resolve)


def test_a_registration_stores_the_webhook_as_the_webhook_service_reads_it():
    db, clock = FakeDatabase(), FixedClock(NOW)
    body = new(events=["deck.failed", "upload.completed", "deck.failed"], description="CI")
    made = register(db, clock, body=body)

    assert db.webhooks.find_one({"_id": made["_id"]}) == made
    assert re.fullmatch(r"[0-9a-f]{32}", made["_id"])
    assert made["user_id"] == "ada"
    assert made["url"] == "https://hooks.example.com/jaryo"
    assert made["events"] == ["deck.failed", "upload.completed"]  # sorted, duplicates folded
    assert made["description"] == "CI"
    assert made["created_at"] == NOW
    assert (made["status"], made["failing_since"]) == ("active", None)
    assert made["secret"].startswith("whsec_")
    assert len(base64.b64decode(made["secret"].removeprefix("whsec_"), validate=True)) == 32


def test_each_webhook_gets_a_secret_of_its_own():
    db, clock = FakeDatabase(), FixedClock(NOW)
    secrets = {register(db, clock)["secret"] for _ in range(5)}
    assert len(secrets) == 5


@pytest.mark.parametrize(
    ("url", "addresses", "reason"),
    [
        ("http://hooks.example.com/", ("93.184.215.14",), "scheme"),
        ("https://hooks.example.com/", ("10.0.0.7",), "address"),
        ("https://hooks.example.com/", ("93.184.215.14", "127.0.0.1"), "address"),
        ("https://169.254.169.254/latest/meta-data", ("169.254.169.254",), "address"),
        ("https://user:pw@hooks.example.com/", ("93.184.215.14",), "credentials"),
        ("https://hooks.example.com/", (), "unresolvable"),
        ("https:///nothing", ("93.184.215.14",), "malformed"),
    ],
)
def test_a_url_webhooks_may_not_call_is_refused_with_its_reason(url, addresses, reason):
    db, clock = FakeDatabase(), FixedClock(NOW)
    with pytest.raises(UnsafeWebhookUrl) as refused:
        register(db, clock, body=new(url), resolve=resolving_to(*addresses))
    assert refused.value.extensions == {"reason": reason, "pointer": "/url"}
    assert db.webhooks.find() == []


def test_local_use_allows_http_and_loopback_but_never_link_local():
    db, clock = FakeDatabase(), FixedClock(NOW)
    local = service.Limits(allow_local=True, max_per_user=10)
    loopback = resolving_to("127.0.0.1")
    made = register(db, clock, body=new("http://127.0.0.1:8099/"), limits=local, resolve=loopback)
    assert made["url"] == "http://127.0.0.1:8099/"
    with pytest.raises(UnsafeWebhookUrl):
        register(db, clock, body=new("http://127.0.0.1:8099/"), resolve=loopback)  # not local
    with pytest.raises(UnsafeWebhookUrl) as refused:
        metadata = resolving_to("169.254.169.254")
        register(db, clock, body=new("http://169.254.169.254/"), limits=local, resolve=metadata)
    assert refused.value.extensions["reason"] == "address"
    assert len(db.webhooks.find()) == 1


def test_a_person_past_the_limit_is_refused_saying_which_and_others_are_not():
    db, clock = FakeDatabase(), FixedClock(NOW)
    two = service.Limits(allow_local=False, max_per_user=2)
    register(db, clock, limits=two)
    register(db, clock, limits=two)
    with pytest.raises(TooManyWebhooks) as refused:
        register(db, clock, limits=two)
    assert refused.value.extensions == {"limit": "webhooks_per_user", "allowed": 2, "used": 2}
    register(db, clock, user_id="grace", limits=two)
    assert len(db.webhooks.find({"user_id": "ada"})) == 2
    assert db.user_locks.find() == []  # every lock released, also after the refusal


def test_a_registration_waits_for_the_persons_lock_and_gives_up_with_a_retry(monkeypatch):
    db, clock = FakeDatabase(), FixedClock(NOW)
    monkeypatch.setattr(service, "WAIT_SECONDS", 0.05)
    db.user_locks.insert_one(
        {"_id": "add-webhook:ada", "holder": "another", "expires_at": NOW + timedelta(seconds=30)}
    )
    with pytest.raises(AddingWebhook) as refused:
        register(db, clock)
    assert refused.value.headers == {"Retry-After": "2"}
    assert db.webhooks.find() == []
    register(db, clock, user_id="grace")  # another person's lock is their own


def test_listing_shows_only_the_callers_newest_first_a_page_at_a_time():
    db, clock = FakeDatabase(), FixedClock(NOW)
    made = []
    for _ in range(3):
        made.append(register(db, clock)["_id"])
        register(db, clock, user_id="grace")
        clock.advance(timedelta(seconds=1))

    first = paging.PageRequest(limit=2, after=None)
    page, cursor = paging.page_of(service.newest_first(db, "ada", first), first)
    assert [hook["_id"] for hook in page] == [made[2], made[1]]
    assert cursor is not None
    second = paging.page_request({"limit": "2", "cursor": cursor})
    page, cursor = paging.page_of(service.newest_first(db, "ada", second), second)
    assert [hook["_id"] for hook in page] == [made[0]]
    assert cursor is None
    assert not any("secret" in hook for hook in service.newest_first(db, "ada", first))


def test_another_persons_unknown_or_malformed_id_is_not_found():
    db, clock = FakeDatabase(), FixedClock(NOW)
    hook_id = register(db, clock)["_id"]
    found = service.own_webhook(db, "ada", hook_id)
    assert found["_id"] == hook_id and "secret" not in found
    for user_id, wanted in [("grace", hook_id), ("ada", "0" * 32), ("ada", hook_id + "x")]:
        assert service.own_webhook(db, user_id, wanted) is None


def test_deleting_removes_the_webhook_and_only_its_attempts():
    db, clock = FakeDatabase(), FixedClock(NOW)
    doomed, kept = register(db, clock)["_id"], register(db, clock)["_id"]
    for hook_id in (doomed, kept):
        for attempt in (1, 2):
            db.webhook_attempts.insert_one(
                {"_id": f"{hook_id}:e1:{attempt}", "hook_id": hook_id, "user_id": "ada"}
            )

    assert not service.delete(db, "grace", doomed)  # not hers: nothing happens
    assert len(db.webhook_attempts.find()) == 4
    assert service.delete(db, "ada", doomed)
    assert [hook["_id"] for hook in db.webhooks.find()] == [kept]
    assert {a["hook_id"] for a in db.webhook_attempts.find()} == {kept}
    assert not service.delete(db, "ada", doomed)  # already gone


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"url": "https://x.example/", "events": []}, "/events"),
        ({"url": "https://x.example/", "events": ["deck.requested"]}, "/events/0"),
        ({"url": "https://x.example/", "events": ["deck.completed", "nope"]}, "/events/1"),
        ({"url": "", "events": ["deck.completed"]}, "/url"),
        (
            {"url": "https://x.example/", "events": ["deck.completed"], "description": "x" * 201},
            "/description",
        ),
        ({"url": "https://x.example/", "events": ["deck.completed"], "secret": "mine"}, "/secret"),
        ({"events": ["deck.completed"]}, "/url"),
    ],
)
def test_a_body_that_is_not_a_webhook_is_refused_naming_the_field(body, pointer):
    with pytest.raises(ValidationError) as refused:
        NewWebhook.model_validate(body)
    assert "/" + "/".join(str(part) for part in refused.value.errors()[0]["loc"]) == pointer
