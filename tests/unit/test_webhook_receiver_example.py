"""The receivers docs/webhooks.md shows (examples/webhook-receiver/, the same texts: one with the
standard library only, one with the Standard Webhooks library) accept what the webhook service
sends and refuse a changed, foreign, replayed or malformed delivery."""

from __future__ import annotations

import base64
import runpy
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import HTTPServer
from pathlib import Path

import pytest

from jaryo_shared import events, webhook_urls
from webhook_service import sending, signing

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ["receiver.py", "receiver_standard.py"]


def _example(name: str) -> Path:
    return ROOT / "examples" / "webhook-receiver" / name


def _secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.mark.parametrize(
    ("name", "most_lines"), [("receiver.py", 40), ("receiver_standard.py", 17)]
)
def test_the_doc_shows_the_example_as_it_is(name, most_lines):
    doc = (ROOT / "docs" / "webhooks.md").read_text()
    mark = f"<!-- receiver: examples/webhook-receiver/{name} -->\n```python\n"
    shown = doc.split(mark, 1)[1].split("```\n", 1)[0]
    assert shown == _example(name).read_text()
    code = [line for line in shown.splitlines() if line.strip()]
    assert "import requests" not in shown and len(code) <= most_lines


@pytest.fixture(params=EXAMPLES)
def receiver(monkeypatch, request):
    """Each example's receiver on 127.0.0.1, with a secret of the test's."""
    secret = _secret()
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    module = runpy.run_path(str(_example(request.param)), run_name="receiver_example")
    server = HTTPServer(("127.0.0.1", 0), module["Receiver"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield secret, f"http://127.0.0.1:{server.server_address[1]}/jaryo"
    server.shutdown()
    server.server_close()


def _body() -> tuple[str, bytes]:
    envelope = events.wrap(
        events.DeckCompleted(
            deck_id="d1", user_id="u1", file_path="u1/d1.pptx", size=10, slide_count=1
        ),
        source="jaryo/deck-service",
    )
    return envelope.id, envelope.model_dump_json().encode()


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_example_accepts_what_the_webhook_service_sends(receiver, capsys):
    secret, url = receiver
    event_id, body = _body()
    headers = {
        **signing.headers(secret, event_id, int(time.time()), body),
        "Content-Type": events.CONTENT_TYPE,
    }
    target = webhook_urls.check(url, allow_local=True)

    answer = sending.post(target, body, headers, sending.Limits(1, 5, 65536))

    assert answer == sending.Answer(204, None)
    printed, deadline = "", time.monotonic() + 5
    while event_id not in printed and time.monotonic() < deadline:  # printed after the answer
        printed += capsys.readouterr().out
        time.sleep(0.02)
    assert event_id in printed


@pytest.mark.parametrize("wrong", ["body", "secret", "old", "ahead"])
def test_the_example_refuses_a_changed_foreign_or_replayed_delivery(receiver, wrong):
    secret, url = receiver
    event_id, body = _body()
    # Half a minute outside the 5 minutes allowed: a second's margin was eaten by a loaded
    # machine between signing (truncated to the second) and checking.
    sent_at = int(time.time()) + {"old": -330, "ahead": 330}.get(wrong, 0)
    headers = signing.headers(_secret() if wrong == "secret" else secret, event_id, sent_at, body)
    if wrong == "body":
        body = body.replace(b'"size":10', b'"size":11')

    assert _post(url, body, headers) == 401


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_the_example_refuses_a_delivery_without_its_headers(receiver, missing):
    secret, url = receiver
    event_id, body = _body()
    headers = signing.headers(secret, event_id, int(time.time()), body)
    del headers[missing]

    assert _post(url, body, headers) == 401


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("webhook-signature", "v1"),  # no comma
        ("webhook-signature", "v1,not base64!"),
        ("webhook-timestamp", "soon"),
        ("webhook-timestamp", "1e999"),
    ],
)
def test_the_example_refuses_a_malformed_header_with_401_not_a_crash(receiver, header, value):
    secret, url = receiver
    event_id, body = _body()
    headers = {**signing.headers(secret, event_id, int(time.time()), body), header: value}

    assert _post(url, body, headers) == 401
