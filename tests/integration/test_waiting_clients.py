"""Clients waiting on an upload through the real gunicorn gateway: fifty `?wait=` requests and an
event stream hold on together while the gateway keeps answering everyone else, and all of them
get the finished upload as soon as the workers are done. One user cannot take every waiting
slot, a client that goes away gives its slot back at once, and a `?wait` that is not a whole
number of seconds is refused."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from urllib.parse import quote, urlsplit

import pytest
import urllib3

from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handlers as ocr_handlers
from ocr_service.settings import OcrSettings
from storage_service.bootstrap import bootstrap as storage_bootstrap
from storage_service.handlers import handlers as storage_handlers
from storage_service.settings import StorageSettings
from tests.helpers import png_bytes, wait_until
from tests.integration.waiting_gateway import Served, served_gateway, waiting_requests

pytestmark = [pytest.mark.integration, pytest.mark.alone]

WAITERS = 50


@pytest.fixture
def served(settings):
    # The waiters are all one user's, so that user may hold every slot here.
    with served_gateway(settings, JARYO_PROGRESS_MAX_WAITERS_PER_USER="56") as served:
        yield served


def _token(http, url: str) -> str:
    credentials = {"username": f"waiter-{time.monotonic_ns()}", "password": "correct horse battery"}
    http.request("POST", url + "/v1/auth/register", json=credentials)
    return http.request("POST", url + "/v1/auth/token", json=credentials).json()["access_token"]


def test_fifty_waiting_clients_do_not_stop_the_gateway_and_all_see_the_result(
    served: Served, settings, run_worker, purge_queues
):
    purge_queues()
    gateway_url = served.url
    http = urllib3.PoolManager(maxsize=WAITERS + 10)
    auth = {"Authorization": f"Bearer {_token(http, gateway_url)}"}
    upload = http.request(
        "POST",
        gateway_url + "/v1/uploads",
        fields={"image0": ("page.png", png_bytes(400, 300), "image/png")},
        headers=auth,
    )
    assert upload.status == 202
    upload_url = gateway_url + upload.headers["Location"]

    answers: list[tuple[int, dict]] = []
    stream_events: list[str] = []

    def wait_for_it() -> None:
        answer = http.request("GET", upload_url + "?wait=50", headers=auth, timeout=70)
        answers.append((answer.status, answer.json()))

    def follow_stream() -> None:
        stream = http.request(
            "GET", upload_url + "/events", headers=auth, preload_content=False, timeout=70
        )
        for line in stream.read_chunked() if stream.chunked else stream.stream():
            stream_events.extend(
                row.removeprefix("event: ")
                for row in line.decode().splitlines()
                if row.startswith("event: ")
            )
        stream.release_conn()

    clients = [threading.Thread(target=wait_for_it) for _ in range(WAITERS)]
    clients.append(threading.Thread(target=follow_stream))
    for client in clients:
        client.start()
    wait_until(lambda: waiting_requests(http, served) == len(clients))  # all parked on it

    assert answers == [] and all(client.is_alive() for client in clients)
    assert http.request("GET", gateway_url + "/healthz", timeout=5).status == 200
    current = http.request("GET", upload_url, headers=auth, timeout=5)
    assert current.status == 200 and current.json()["status"] == "processing"
    assert http.request("GET", gateway_url + "/v1/uploads", headers=auth, timeout=5).status == 200

    storage = storage_bootstrap(StorageSettings(**settings.model_dump()))
    run_worker("storage", storage_handlers(storage))
    ocr = ocr_bootstrap(OcrSettings(**settings.model_dump()))
    run_worker("ocr", ocr_handlers(ocr))
    for client in clients:
        client.join(timeout=60)

    assert len(answers) == WAITERS
    assert {status for status, _ in answers} == {200}
    assert {body["status"] for _, body in answers} == {"completed"}
    assert all(body["images"][0]["status"] == "done" for _, body in answers)
    assert stream_events[0] == "progress" and stream_events[-1] == "completed"


def _user_with_upload(http, url: str) -> tuple[str, str]:
    """A new user's token and the path of an upload of theirs that stays `processing` (no worker
    runs in these tests)."""
    token = _token(http, url)
    upload = http.request(
        "POST",
        url + "/v1/uploads",
        fields={"image0": ("page.png", png_bytes(), "image/png")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert upload.status == 202
    return token, upload.headers["Location"]


def _open(url: str, path: str, token: str) -> tuple[int, socket.socket]:
    """A GET on a raw connection, so the test decides when the client goes away: its status,
    and the connection, left open (an event stream keeps streaming into it)."""
    address = urlsplit(url)
    connection = socket.create_connection((address.hostname, address.port), timeout=10)
    connection.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = connection.recv(4096)
        assert chunk, f"the gateway closed the connection: {head!r}"
        head += chunk
    return int(head.split(b" ", 2)[1]), connection


def test_one_user_over_the_per_user_cap_does_not_stop_another_from_waiting(settings):
    caps = {"JARYO_PROGRESS_MAX_WAITERS": "3", "JARYO_PROGRESS_MAX_WAITERS_PER_USER": "2"}
    with served_gateway(settings, **caps) as served:
        url = served.url
        http = urllib3.PoolManager()
        greedy, greedy_upload = _user_with_upload(http, url)
        other, other_upload = _user_with_upload(http, url)

        held = [_open(url, f"{greedy_upload}/events", greedy) for _ in range(3)]
        assert [status for status, _ in held] == [200, 200, 429]
        refused = http.request(
            "GET", f"{url}{greedy_upload}?wait=5", headers={"Authorization": f"Bearer {greedy}"}
        )
        assert refused.status == 429
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert refused.headers["Retry-After"].isdigit()
        assert "waiting" in refused.json()["detail"]

        status, stream = _open(url, f"{other_upload}/events", other)
        for _, connection in [*held, (status, stream)]:
            connection.close()
        assert status == 200  # the other user still gets a slot


def test_a_closed_event_stream_gives_its_slot_back_within_two_seconds(settings):
    caps = {"JARYO_PROGRESS_MAX_WAITERS": "2", "JARYO_PROGRESS_MAX_WAITERS_PER_USER": "2"}
    with served_gateway(settings, **caps) as served:
        url = served.url
        http = urllib3.PoolManager()
        token, upload = _user_with_upload(http, url)
        held = [_open(url, f"{upload}/events", token) for _ in range(2)]
        assert [status for status, _ in held] == [200, 200]
        status, full = _open(url, f"{upload}/events", token)
        full.close()
        assert status in (429, 503)  # every slot is taken

        held[0][1].close()
        closed_at = time.monotonic()
        admitted: list[socket.socket] = []

        def admitted_again() -> bool:
            status, connection = _open(url, f"{upload}/events", token)
            if status == 200:
                admitted.append(connection)
            else:
                connection.close()
            return bool(admitted)

        wait_until(admitted_again, timeout=30, interval=0.05)
        elapsed = time.monotonic() - closed_at
        for connection in [held[1][1], *admitted]:
            connection.close()
        print(f"the slot came back {elapsed:.2f} s after the client went away")
        assert elapsed < 2, f"the slot came back {elapsed:.1f} s after the client went away"


def test_a_client_that_gives_up_a_wait_gives_its_slot_back_within_two_seconds(settings):
    with served_gateway(settings) as served:
        url = served.url
        http = urllib3.PoolManager()
        token, upload = _user_with_upload(http, url)
        address = urlsplit(url)
        connection = socket.create_connection((address.hostname, address.port), timeout=10)
        connection.sendall(
            f"GET {upload}?wait=60 HTTP/1.1\r\nHost: {address.netloc}\r\n"
            f"Authorization: Bearer {token}\r\n\r\n".encode()
        )
        wait_until(lambda: waiting_requests(http, served) == 1)
        connection.close()
        closed_at = time.monotonic()
        wait_until(lambda: waiting_requests(http, served) == 0, timeout=70, interval=0.05)
        elapsed = time.monotonic() - closed_at
        print(f"the slot came back {elapsed:.2f} s after the client went away")
        assert elapsed < 2, f"the slot came back {elapsed:.1f} s after the client went away"


NOT_A_WAIT = ["²", "٣", "-1", "1e3", "abc", "99999", "", " 5", "5.0", "61", "9" * 5000]


def test_a_wait_that_is_not_whole_seconds_up_to_the_limit_is_a_422_naming_it(client, make_user):
    user = make_user()
    some_id = uuid.uuid4().hex
    answers = {}
    for route in (f"/v1/uploads/{some_id}", f"/v1/uploads/{some_id}/text", f"/v1/decks/{some_id}"):
        for raw in NOT_A_WAIT:
            answer = client.get(f"{route}?wait={quote(raw)}", headers=user.auth)
            body = answer.get_json(silent=True) or {}
            answers[route, raw[:8]] = (answer.status_code, answer.mimetype, body.get("pointer"))
    assert set(answers.values()) == {(422, "application/problem+json", "/wait")}, answers
