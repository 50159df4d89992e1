"""Contract fuzzing with Schemathesis: requests generated from the gateway's own /openapi.json,
valid ones and deliberately invalid ones, go to a real gateway under gunicorn, signed in as a user
who owns a read upload, a built deck, a private template and a webhook. Every answer must agree
with the document: no server error, a documented status code, content type, headers and body,
invalid input refused, and no route that answers without a token."""

from __future__ import annotations

import json
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transport.serialization import Binary

from gateway import openapi
from jaryo_shared import database, messaging
from jaryo_shared.keys import clean_background_key
from jaryo_shared.templates import BUILTIN
from jaryo_shared.topology import Topology
from tests.helpers import png_bytes, wait_until
from tests.integration.processes import free_port, gateway, worker_service

pytestmark = pytest.mark.integration

# Bounded so that `make test` stays quick (docs/reliability.md has the measured time): each
# operation gets the coverage phase's boundary and missing-field cases and this many generated
# ones. Derandomized, so a run is reproducible and CI is not flaky; raise it to dig deeper.
MAX_EXAMPLES = 50
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]
# A DELETE (or a refresh) pointed at the user's own things gets a resource made just for it, at
# the last moment, so real deletions are exercised without losing the seeded resources.
FRESH = "fresh-resource"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TEMPLATE = BUILTIN["clean"].pptx_path.read_bytes()
EDIT = "PUT /v1/decks/{deck_id}/spec"
# A fix of a page's corners reopens its upload (processing until its workers read it again, and
# they stop after the seeding): it gets an upload of its own, so the others' stay answerable.
PAGE_FIX = "PUT /v1/uploads/{upload_id}/images/{image_id}/page"
# A route that changes the account (a new password, a sign-out, the deletion) or checks its
# password (whose failures count towards the sign-in's limit) is sent as a user made just for
# the case: the module's user stays signed in, unthrottled, and in existence.
ACCOUNT = {
    "POST /v1/me/password",
    "POST /v1/auth/signout",
    "POST /v1/me/signout-all",
    "DELETE /v1/me",
}
PASSWORD = "correct horse battery"
CORNERS = {
    "corners": [
        {"x": 0.1, "y": 0.1},
        {"x": 0.9, "y": 0.1},
        {"x": 0.9, "y": 0.9},
        {"x": 0.1, "y": 0.9},
    ]
}
# The gateway under test allows local use, so that a webhook can be registered without a public
# host (its check refuses a generated URL); nothing listens here, nothing is delivered.
WEBHOOK_URL = "http://127.0.0.1:9/jaryo-hook"
WEBHOOK_SETTINGS = {"JARYO_WEBHOOKS_ALLOW_LOCAL": "true", "JARYO_MAX_WEBHOOKS_PER_USER": "1000"}
DECK = {
    "template_id": "clean",
    "title": "contract",
    "slides": [
        {
            "layout": "title",
            "elements": [{"type": "text", "text": "hello", "x": 0, "y": 0, "w": 1, "h": 0.5}],
        }
    ],
}


@dataclass
class Api:
    """The gateway under test and what its user owns."""

    url: str
    credentials: dict[str, str]
    token: str = ""
    log: Path | None = None  # the gateway's stderr
    ids: dict[str, str] = field(default_factory=dict)
    answered: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def sign_in(self) -> dict[str, Any]:
        response = requests.post(self.url + "/v1/auth/token", json=self.credentials, timeout=30)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        response = requests.post(self.url + path, headers=self.auth, timeout=30, **kwargs)
        assert response.status_code in (201, 202), (path, response.status_code, response.text)
        return response

    def new_upload(self) -> str:
        files = {"image0": ("page.png", png_bytes(), "image/png")}
        return str(self.post("/v1/uploads", files=files).json()["upload_id"])

    def new_deck(self) -> str:
        return str(self.post("/v1/decks", json=DECK).json()["deck_id"])

    def new_template(self) -> str:
        files = {"template": ("mine.pptx", TEMPLATE, PPTX)}
        return str(self.post("/v1/templates", files=files).json()["template_id"])

    def new_webhook(self) -> str:
        body = {"url": WEBHOOK_URL, "events": ["deck.completed"]}
        return str(self.post("/v1/webhooks", json=body).json()["id"])

    def wait(self, path: str, status: str) -> dict[str, Any]:
        body = requests.get(f"{self.url}{path}?wait=60", headers=self.auth, timeout=90).json()
        assert body["status"] == status, body
        return dict(body)

    def pdf_made(self, deck_id: str) -> None:
        url = f"{self.url}/v1/decks/{deck_id}/file?format=pdf&wait=60"
        made = requests.get(url, headers=self.auth, timeout=90)
        assert made.status_code == 200, made.text

    def previews_made(self, deck_id: str) -> None:
        def made() -> bool:
            deck = requests.get(f"{self.url}/v1/decks/{deck_id}", headers=self.auth, timeout=30)
            return deck.json().get("previews_status") != "pending"

        wait_until(made, timeout=120, interval=0.3)

    def owned(self, case):
        """`case` naming the user's own upload, image, deck or template and, if it is a valid
        request, with the body an operation needs to succeed (the rest of a deck spec stays as
        generated). Whole containers are assigned, so Schemathesis re-checks whether the case is
        still a negative one."""
        if case.path_parameters:
            prefix = "fix_" if case.operation.label == PAGE_FIX else ""
            case.path_parameters = {
                name: FRESH
                if case.method.upper() == "DELETE"
                else self.ids.get(prefix + name, self.ids.get(name, value))
                for name, value in case.path_parameters.items()
            }
        if case.meta is not None and case.meta.generation.mode.is_negative:
            return case
        body = {
            "POST /v1/auth/token": lambda _: dict(self.credentials),
            "POST /v1/auth/refresh": lambda _: {"refresh_token": FRESH},
            "POST /v1/decks": self._own_deck_spec,
            EDIT: self._own_deck_spec,
            PAGE_FIX: lambda _: dict(CORNERS),
            "POST /v1/webhooks": _own_webhook,
            "POST /v1/me/password": lambda _: {
                "current_password": PASSWORD,
                "new_password": "another horse battery",
            },
            "DELETE /v1/me": lambda _: {"password": PASSWORD},
        }.get(case.operation.label)
        if body is not None:
            case.body = body(case.body)
        return case

    def _own_deck_spec(self, spec: Any) -> Any:
        if not isinstance(spec, dict):
            return spec
        spec = {**spec, "template_id": "clean"}
        if "from_upload" in spec:
            spec["from_upload"] = self.ids["upload_id"]
        for slide in spec.get("slides") or []:
            for element in (slide.get("elements") or []) if isinstance(slide, dict) else []:
                if isinstance(element, dict) and "image_id" in element:
                    element["image_id"] = self.ids["image_id"]
                if isinstance(element, dict):
                    _inside(element)
        return spec

    def bind_fresh(self, case) -> str | None:
        """Make the resource a DELETE (or a refresh) was pointed at, just before it is sent;
        the path of what was made, to remove if the request did not (the user has quotas)."""
        if isinstance(case.body, dict) and case.body.get("refresh_token") == FRESH:
            case.body = {"refresh_token": self.sign_in()["refresh_token"]}
        if FRESH not in (case.path_parameters or {}).values():
            return None
        make = {
            "upload_id": self.new_upload,
            "deck_id": self.new_deck,
            "template_id": self.new_template,
            "webhook_id": self.new_webhook,
        }
        case.path_parameters = {name: make[name]() for name in case.path_parameters}
        return case.formatted_path

    def bind_revision(self, case) -> None:
        """An edit of the user's deck names its latest revision (If-Match), just before it is
        sent, so that a valid edit can succeed: a generated tag never matches."""
        negative = case.meta is not None and case.meta.generation.mode.is_negative
        if case.operation.label != EDIT or negative or "If-Match" not in (case.headers or {}):
            return
        deck_url = f"{self.url}/v1/decks/{self.ids['deck_id']}"
        deck = requests.get(deck_url, headers=self.auth, timeout=30)
        case.headers = {**case.headers, "If-Match": deck.headers["ETag"]}

    def throwaway_token(self) -> str:
        """The access token of a new user (of PASSWORD), for a case of an ACCOUNT route."""
        credentials = {"username": f"fuzz-{uuid.uuid4().hex[:12]}", "password": PASSWORD}
        created = requests.post(self.url + "/v1/auth/register", json=credentials, timeout=30)
        assert created.status_code == 201, created.text
        signed_in = requests.post(self.url + "/v1/auth/token", json=credentials, timeout=30)
        assert signed_in.status_code == 200, signed_in.text
        return str(signed_in.json()["access_token"])

    def bind_throwaway(self, case) -> None:
        """A case of an ACCOUNT route carrying the module's token gets a throwaway user's."""
        if case.operation.label not in ACCOUNT:
            return
        ours = (f"Bearer {self.token}", f"Bearer {PENDING}")
        if (case.headers or {}).get("Authorization") in ours:
            case.headers = {**case.headers, "Authorization": f"Bearer {self.throwaway_token()}"}

    def remove(self, path: str) -> None:
        response = requests.delete(self.url + path, headers=self.auth, timeout=30)
        assert response.status_code in (204, 404), (path, response.status_code, response.text)


def _registered(url: str) -> Api:
    credentials = {"username": f"fuzz-{uuid.uuid4().hex[:12]}", "password": PASSWORD}
    created = requests.post(url + "/v1/auth/register", json=credentials, timeout=30)
    assert created.status_code == 201, created.text
    api = Api(url, credentials)
    api.token = api.sign_in()["access_token"]
    return api


def _seed(api: Api, settings, logs: dict[str, IO[bytes]]) -> None:
    """A read upload with a stored image (and another, for fixing its corners), a built deck
    with previews and its PDF, a private template. The workers run only for this: what the
    fuzzer creates later just waits in its queue."""
    with (
        worker_service(
            "storage_service",
            settings,
            env={"JARYO_METRICS_PORT": str(free_port())},
            log=logs["storage"],
        ),
        worker_service(
            "ocr_service", settings, env={"JARYO_METRICS_PORT": str(free_port())}, log=logs["ocr"]
        ),
        worker_service(
            "deck_service", settings, env={"JARYO_METRICS_PORT": str(free_port())}, log=logs["deck"]
        ),
    ):
        upload_id = api.new_upload()
        fix_upload_id = api.new_upload()
        deck_id = api.new_deck()
        upload = api.wait(f"/v1/uploads/{upload_id}", "completed")
        to_fix = api.wait(f"/v1/uploads/{fix_upload_id}", "completed")
        api.wait(f"/v1/decks/{deck_id}", "completed")
        api.previews_made(deck_id)  # they follow the deck; the workers stop after this
        api.pdf_made(deck_id)  # made once asked for: a fuzzed `?format=pdf&wait` waits for none
    api.ids.update(
        upload_id=upload_id,
        image_id=upload["images"][0]["image_id"],
        fix_upload_id=fix_upload_id,
        fix_image_id=to_fix["images"][0]["image_id"],
        deck_id=deck_id,
        template_id=api.new_template(),
        webhook_id=api.new_webhook(),
    )


def _with_clean_copy(mongo, store, settings, image_id: str) -> None:
    """The seeded image's copy without its text, as the OCR service keeps it where it can (a
    blank page may get none), so that GET .../background is answered with success too."""
    results = database.database(mongo, settings).ocr_results
    read = results.find_one({"_id": image_id})
    key = clean_background_key(read["user_id"], read["upload_id"], image_id)
    store.put_bytes(settings.bucket_images, key, png_bytes(), "image/png")
    results.update_one({"_id": image_id}, {"$set": {"clean_background": True}})


def _with_a_delivery(mongo, settings, hook_id: str) -> None:
    """An attempt at delivering to the seeded webhook, as the webhook service records one, so
    that GET .../deliveries answers with one."""
    db = database.database(mongo, settings)
    user_id = db.webhooks.find_one({"_id": hook_id})["user_id"]
    at = datetime.now(UTC)
    db.webhook_attempts.insert_one(
        {
            "_id": f"{hook_id}:event-1:1",
            "hook_id": hook_id,
            "user_id": user_id,
            "event_id": "event-1",
            "event_type": "deck.completed",
            "attempt": 1,
            "at": at,
            "duration_ms": 31,
            "status_code": 503,
            "error": "the receiver answered 503",
            "outcome": "failed",
            "next_attempt_at": at + timedelta(minutes=1),
        }
    )


def _own_webhook(body: Any) -> Any:
    """A generated registration whose URL can be registered (the rest stays as generated)."""
    return {**body, "url": WEBHOOK_URL} if isinstance(body, dict) else body


@pytest.fixture(scope="module")
def api(settings, gateway_settings, mongo, store) -> Iterator[Api]:
    with tempfile.TemporaryDirectory(prefix="jaryo-contract-") as work:
        logs = {name: (Path(work) / f"{name}.log").open("wb") for name in LOGS}
        try:
            with gateway(gateway_settings, log=logs["gateway"], env=WEBHOOK_SETTINGS) as url:
                api = _registered(url)
                api.log = Path(work) / "gateway.log"
                _seed(api, settings, logs)
                _with_clean_copy(mongo, store, settings, api.ids["image_id"])
                _with_a_delivery(mongo, settings, api.ids["webhook_id"])
                _running.append(api)
                yield api
                _running.clear()
        finally:
            for log in logs.values():
                log.close()
            _purge_queues(settings)


LOGS = ("gateway", "storage", "ocr", "deck")


def _purge_queues(settings) -> None:
    """What the fuzzer had accepted waits in the queues: later tests' workers must not get it."""
    with messaging.connect(settings) as connection, connection.channel() as channel:
        for queue in Topology(settings).all_queues():
            queue(channel).purge()


# Schemathesis's answers that refuse invalid input, and the HTTP server's refusals of an overlong
# request line or headers: those are refusals too.
REJECTIONS = "400 401 403 404 405 406 409 414 415 422 428 429 431 5xx".split()

# The document the gateway serves at /openapi.json, read at collection so that every operation
# is a test of its own (Schemathesis's fixture-loaded schemas do not work with pytest 9.2);
# test_the_fuzzed_document_is_the_served_one keeps the two the same.
schema = schemathesis.openapi.from_dict(
    openapi.document(),
    config=schemathesis.Config.from_dict(
        {
            "cache": {"enabled": False},
            "phases": {"stateful": {"enabled": False}},
            "checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}},
        }
    ),
)
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, item in openapi.document()["paths"].items()
    for method in item
    if method in openapi.METHODS
]
_running: list[Api] = []  # the module's Api, for the hooks below
# Schemathesis makes its coverage cases while collecting, before anyone has signed in: they carry
# this stand-in, swapped for the token as each is sent.
PENDING = "signed-in-when-sent"


@schema.auth(refresh_interval=None)
class SignedIn:
    """The bearer token of the module's user. Schemathesis knows it as the API's auth, so it
    also leaves it out (expecting 401) and, with the ignored_auth check, retries a successful
    request without it and with a forged one."""

    def get(self, case, context) -> str:
        if not _running:
            return PENDING
        if case.operation.label in ACCOUNT:
            return _running[0].throwaway_token()
        return _running[0].token

    def set(self, case, data, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def _inside(element: dict) -> None:
    """An element, and its crop, moved to lie inside the slide (or its image): a rule of two
    fields together, which no JSON Schema keyword states, so generated boxes mostly break it."""
    for box in (element, element.get("crop")):
        if not isinstance(box, dict):
            continue
        for start, extent in (("x", "w"), ("y", "h")):
            at, size = box.get(start), box.get(extent)
            if isinstance(at, int | float) and isinstance(size, int | float) and at + size > 1:
                box[start] = max(0.0, 1 - size)


@schema.hook
def flatmap_case(context, case):
    """Half the generated cases are pointed at what the user owns, so that the success answers
    are checked too, not only the refusals of ids and bodies that match nothing."""
    return st.booleans().map(lambda owned: _running[0].owned(case) if owned else case)


@schema.hook
def filter_case(context, case) -> bool:
    body = case.body
    if case.media_type != "multipart/form-data" or not isinstance(body, dict):
        return True
    # A form field of None is not sent at all: such a case, "invalid" by that field alone, is a
    # valid request on the wire.
    return all(value is not None for value in body.values())


def test_the_fuzzed_document_is_the_served_one(api: Api):
    served = requests.get(api.url + "/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(openapi.document()))


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_every_answer_agrees_with_the_openapi_document(case, api: Api):
    fresh = api.bind_fresh(case)
    api.bind_revision(case)
    api.bind_throwaway(case)
    if (case.headers or {}).get("Authorization") == f"Bearer {PENDING}":
        case.headers["Authorization"] = f"Bearer {api.token}"
    try:
        response = case.call_and_validate(base_url=api.url, checks=CHECKS, timeout=30)
    finally:
        if fresh is not None:
            api.remove(fresh)
    api.answered[case.operation.label].add(response.status_code)


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/v1/uploads", lambda: {"images": [Binary(png_bytes())], "image_type": "kor-printed"}, {}),
        ("/v1/uploads", lambda: {"images": [Binary(png_bytes())]}, {"Idempotency-Key": "k-1"}),
        ("/v1/templates", lambda: {"template": Binary(TEMPLATE), "name": "mine"}, {}),
    ],
)
def test_a_real_image_or_template_is_answered_as_documented(api: Api, path, body, headers):
    """Generated files are never real images or decks, so these successes are asked for by
    hand (Schemathesis cannot tell a file from a wrong value when re-checking a changed case)."""
    case = schema[path]["POST"].Case(body=body(), media_type="multipart/form-data")
    response = case.call_and_validate(
        base_url=api.url, headers={**api.auth, **headers}, checks=CHECKS, timeout=30
    )
    assert response.status_code in (201, 202), response.text
    api.answered[case.operation.label].add(response.status_code)


def test_every_operation_was_answered_with_success(api: Api, request):
    """The fuzzing above reached every operation's success answer, not only its refusals."""
    fuzzed = [
        item
        for item in request.session.items
        if getattr(item, "originalname", None)
        == test_every_answer_agrees_with_the_openapi_document.__name__
    ]
    if len(fuzzed) < len(OPERATIONS):
        pytest.skip("only some operations were selected: run the whole module")
    missing = {
        label: sorted(api.answered.get(label, ()))
        for label in OPERATIONS
        if not any(200 <= status < 300 for status in api.answered.get(label, ()))
    }
    assert not missing, missing


def test_the_gateway_logged_no_error(api: Api):
    """Nothing the fuzzer sent made the gateway log an error, not even where the answer could
    not show it (a stream that broke after its 200 was sent)."""
    assert api.log is not None
    lines = api.log.read_text(errors="replace").splitlines()
    assert any("received upload" in line for line in lines)  # it is the gateway's log
    errors = [
        line for line in lines if "Traceback" in line or _level(line) in ("ERROR", "CRITICAL")
    ]
    assert not errors, "\n".join(errors[:20])


def _level(line: str) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record.get("level") if isinstance(record, dict) else None
