"""The gateway's HTTP edges over the real servers, as a careless or hostile client meets them:
junk in a query string or a body is a 4xx problem naming what is wrong, never a 500; what the
gateway did not expect is a 500 whose correlation id finds its logged traceback; a person's
uploads stop at their quotas; and an Idempotency-Key never leads back to a deleted upload."""

from __future__ import annotations

import base64
import io
import json
import sys
import threading
import uuid
from typing import Any

import pytest

from gateway.app import create_app
from jaryo_shared.logs import configure_logging
from tests.helpers import png_bytes

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
LIST_ROUTES = ["/v1/uploads", "/v1/decks"]
DECK = {
    "template_id": "clean",
    "title": "Paging",
    "slides": [{"elements": [{"type": "text", "text": "hi", "x": 0, "y": 0, "w": 1, "h": 1}]}],
}


def _problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["code"], body  # every problem names itself for programs, beside its prose
    return body


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _upload(client, user, data: bytes | None = None, **headers: str):
    return client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(data or png_bytes()), "page.png", "image/png")},
        headers={**user.auth, **headers},
        content_type="multipart/form-data",
    )


# Problem codes: one stable, machine-readable `code` per problem, beside its `type`


@pytest.mark.parametrize(
    ("method", "path", "status", "slug", "code"),
    [
        ("GET", "/v1/nowhere", 404, "not-found", "not-found"),
        ("PUT", "/v1/uploads", 405, "method-not-allowed", "method-not-allowed"),
        ("GET", "/v1/uploads?limit=0", 422, "invalid-input", "invalid-input"),
        ("GET", "/v1/uploads/no-such-upload", 404, "not-found", "not-found"),
        ("DELETE", "/v1/templates/clean", 403, "forbidden", "forbidden"),
        ("GET", "/v1/decks/no-such-deck/file", 404, "not-found", "not-found"),
    ],
)
def test_each_problem_carries_its_stable_type_and_code(
    client, make_user, method, path, status, slug, code
):
    user = make_user()
    body = _problem(client.open(path, method=method, headers=user.auth), status)
    assert (body["type"], body["code"]) == ("https://jaryo.dev/problems/" + slug, code)


# Finding 7: query strings and bodies


@pytest.mark.parametrize("route", LIST_ROUTES)
@pytest.mark.parametrize(
    "limit", ["²", "٣", "-1", "1e3", "abc", "0", "101", "9" * 5000, "", " 5", "5 ", "0x10"]
)
def test_a_limit_other_than_1_to_100_is_a_422_naming_it(client, make_user, route, limit):
    user = make_user()
    response = client.get(route, query_string={"limit": limit}, headers=user.auth)
    body = _problem(response, 422)
    assert body["pointer"] == "/limit"


@pytest.mark.parametrize("route", LIST_ROUTES)
@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "é",
        "A" * 10_000,
        _b64(b"x|y"),
        _b64(b"2026-12-01T10:00:00+00:00|../../etc/passwd"),
        _b64(b"2026-12-01T10:00:00+00:00|" + b"a" * 32 + b"|more"),
        _b64(b"not a date|" + b"a" * 32),
        _b64(b"\xff\xfe\xfd"),
        "a" * 32,  # a bare id, as the deck list's cursors once were
    ],
)
def test_a_cursor_this_api_did_not_hand_out_is_a_422_naming_it(client, make_user, route, cursor):
    user = make_user()
    response = client.get(route, query_string={"cursor": cursor}, headers=user.auth)
    body = _problem(response, 422)
    assert body["pointer"] == "/cursor"


def test_decks_page_newest_first_through_the_cursors_they_hand_out(client, make_user):
    user = make_user()
    made = []
    for _ in range(5):
        response = client.post("/v1/decks", json=DECK, headers=user.auth)
        assert response.status_code == 202, response.get_json()
        made.append(response.get_json()["deck_id"])
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/decks", query_string=query, headers=user.auth).get_json()
        seen += [item["deck_id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == made[::-1]
    assert pages == 3


@pytest.mark.parametrize("route", ["/v1/decks", "/v1/auth/register", "/v1/auth/token"])
@pytest.mark.parametrize("shape", ["array", "object"])
def test_json_nested_a_thousand_deep_is_a_422_not_a_500(client, make_user, route, shape):
    user = make_user()
    depth = 1000
    body = "[" * depth + "]" * depth if shape == "array" else '{"a":' * depth + "1" + "}" * depth
    response = client.post(route, data=body, content_type="application/json", headers=user.auth)
    _problem(response, 422)


def test_an_unexpected_error_is_a_500_whose_correlation_id_finds_its_logged_traceback(
    gateway_settings, make_user, monkeypatch
):
    app = create_app(gateway_settings, run_relay=False)
    # A route that fails as a bug would: nothing turned this exception into a problem.
    app.add_url_rule("/v1/broken", "broken", lambda: {"ratio": 1 / 0})
    logs = io.StringIO()
    monkeypatch.setattr(sys, "stderr", logs)
    configure_logging(gateway_settings.service_name)  # the gateway's JSON logs, into `logs`
    try:
        response = app.test_client().get("/v1/broken", headers={"X-Correlation-ID": "report-42"})
    finally:
        app.extensions["jaryo"].close()

    body = _problem(response, 500)
    assert body["code"] == "internal-error"
    assert body["correlation_id"] == response.headers["X-Correlation-ID"] == "report-42"
    assert "ZeroDivisionError" not in json.dumps(body)  # the cause is logged, never shown
    records = [json.loads(line) for line in logs.getvalue().splitlines() if line.startswith("{")]
    logged = [r for r in records if r.get("correlation_id") == "report-42"]
    assert [r["level"] for r in logged] == ["ERROR"]
    assert "/v1/broken" in logged[0]["message"]
    assert "Traceback" in logged[0]["exc_info"] and "ZeroDivisionError" in logged[0]["exc_info"]


# Finding 12: an Idempotency-Key after DELETE


def test_an_idempotency_key_reused_after_delete_makes_a_new_upload(client, make_user, db):
    user = make_user()
    key = f"page-{uuid.uuid4().hex}"
    first = _upload(client, user, png_bytes(color="white"), **{"Idempotency-Key": key})
    assert first.status_code == 202
    first_id = first.get_json()["upload_id"]
    assert client.delete(f"/v1/uploads/{first_id}", headers=user.auth).status_code == 204

    again = _upload(client, user, png_bytes(color="black"), **{"Idempotency-Key": key})
    assert again.status_code == 202, again.get_json()
    again_id = again.get_json()["upload_id"]
    assert again_id != first_id
    assert again.headers["Location"] == f"/v1/uploads/{again_id}"
    shown = client.get(f"/v1/uploads/{again_id}", headers=user.auth)
    assert shown.status_code == 200
    assert [i["image_id"] for i in shown.get_json()["images"]] == [
        i["image_id"] for i in again.get_json()["images"]
    ]
    assert client.get(f"/v1/uploads/{first_id}", headers=user.auth).status_code == 404
    # The new upload's files were kept: one image document each, the new one live.
    assert db.images.count_documents({"upload_id": again_id}) == 1

    # And the key now stands for the new upload: a retry gets it back, nothing new is made.
    retry = _upload(client, user, png_bytes(color="black"), **{"Idempotency-Key": key})
    assert retry.status_code == 202
    assert retry.get_json()["upload_id"] == again_id
    assert db.uploads.count_documents({"user_id": user.user_id}) == 2


def test_concurrent_retries_after_delete_make_one_new_upload(app, make_user, db):
    user = make_user()
    key = f"burst-{uuid.uuid4().hex}"
    client = app.test_client()
    first_id = _upload(client, user, **{"Idempotency-Key": key}).get_json()["upload_id"]
    assert client.delete(f"/v1/uploads/{first_id}", headers=user.auth).status_code == 204

    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def retry() -> None:
        response = _upload(app.test_client(), user, **{"Idempotency-Key": key})
        with lock:
            answers.append((response.status_code, (response.get_json() or {}).get("upload_id")))

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    made = {upload_id for status, upload_id in answers if status == 202}
    assert len(answers) == 8
    assert {status for status, _ in answers} <= {202, 409}  # 409: the first is still recording
    assert len(made) == 1 and first_id not in made
    assert db.uploads.count_documents({"user_id": user.user_id, "deleted_at": None}) == 1


# Finding 9: per-user upload quotas


@pytest.fixture
def quota_client(gateway_settings):
    settings = gateway_settings.model_copy(
        update={"max_uploads_per_user": 2, "max_stored_bytes_per_user": 3 * len(png_bytes())}
    )
    app = create_app(settings, run_relay=False)
    yield app.test_client()
    app.extensions["jaryo"].close()


def test_a_person_past_the_upload_count_gets_a_429_naming_that_quota(
    quota_client, make_user, db, store, settings
):
    user = make_user()
    kept = [_upload(quota_client, user) for _ in range(2)]
    assert [r.status_code for r in kept] == [202, 202]

    refused = _upload(quota_client, user)
    body = _problem(refused, 429)
    assert body["limit"] == "uploads_per_user"
    assert body["allowed"] == 2 and body["used"] == 2
    assert db.uploads.count_documents({"user_id": user.user_id}) == 2
    assert len(list(store.keys(settings.bucket_staging, prefix=f"{user.user_id}/"))) == 2

    # Deleted uploads do not count; other people have their own quota.
    gone = kept[0].get_json()["upload_id"]
    assert quota_client.delete(f"/v1/uploads/{gone}", headers=user.auth).status_code == 204
    assert _upload(quota_client, user).status_code == 202
    assert _upload(quota_client, make_user()).status_code == 202


def test_a_person_past_the_stored_bytes_gets_a_413_naming_that_quota(quota_client, make_user, db):
    user = make_user()
    small = png_bytes()
    assert _upload(quota_client, user, small).status_code == 202
    big = png_bytes(width=400, height=300, color="red") + b"\0" * (3 * len(small))
    body = _problem(_upload(quota_client, user, big), 413)
    assert body["limit"] == "stored_bytes_per_user"
    assert body["used"] == len(small)
    assert db.uploads.count_documents({"user_id": user.user_id}) == 1


def test_concurrent_uploads_of_one_person_never_pass_the_quota(quota_client, make_user, db):
    user = make_user()
    statuses: list[int] = []
    lock = threading.Lock()

    def send() -> None:
        response = _upload(quota_client.application.test_client(), user)
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(statuses) == 8
    assert statuses.count(202) == 2, statuses
    assert set(statuses) <= {202, 429}
    assert db.uploads.count_documents({"user_id": user.user_id, "deleted_at": None}) == 2


# Finding 13: what is echoed of a file's name


def test_a_file_name_is_echoed_without_control_or_bidi_characters(client, make_user, db):
    user = make_user()
    hostile = "invoice\u202egnp.exe\u2066\x1b[2J\u2028.png"
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes()), hostile, "image/png")},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    upload_id = response.get_json()["upload_id"]
    (image,) = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()["images"]
    assert image["original_filename"] == "invoicegnp.exe[2J.png"
    assert image["filename"] == "invoicegnp.exe_2J.png"
    stored = db.images.find_one({"_id": image["image_id"]})
    assert stored["filename"] == "invoicegnp.exe[2J.png"
