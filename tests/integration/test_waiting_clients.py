"""Clients waiting on an upload through the real gunicorn gateway: fifty `?wait=` requests and an
event stream hold on together while the gateway keeps answering everyone else, and all of them
get the finished upload as soon as the workers are done."""

from __future__ import annotations

import threading
import time
from functools import partial

import pytest
import urllib3

from jaryo_shared import events
from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handle_upload_received as read_upload
from ocr_service.settings import OcrSettings
from storage_service.bootstrap import bootstrap as storage_bootstrap
from storage_service.handlers import handle_upload_received as store_upload
from storage_service.settings import StorageSettings
from tests.helpers import png_bytes
from tests.integration.processes import gateway

pytestmark = pytest.mark.integration

WAITERS = 50


@pytest.fixture
def gateway_url(settings):
    with gateway(settings, workers=1) as url:  # one process: all the waiters share its threads
        yield url


def _token(http, url: str) -> str:
    credentials = {"username": f"waiter-{time.monotonic_ns()}", "password": "correct horse battery"}
    http.request("POST", url + "/v1/auth/register", json=credentials)
    return http.request("POST", url + "/v1/auth/token", json=credentials).json()["access_token"]


def test_fifty_waiting_clients_do_not_stop_the_gateway_and_all_see_the_result(
    gateway_url, settings, run_worker, purge_queues
):
    purge_queues()
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
    time.sleep(2)  # every client is now parked on the unfinished upload

    assert answers == [] and all(client.is_alive() for client in clients)
    assert http.request("GET", gateway_url + "/healthz", timeout=5).status == 200
    current = http.request("GET", upload_url, headers=auth, timeout=5)
    assert current.status == 200 and current.json()["status"] == "processing"
    assert http.request("GET", gateway_url + "/v1/uploads", headers=auth, timeout=5).status == 200

    storage = storage_bootstrap(StorageSettings(**settings.model_dump()))
    run_worker("storage", {events.UploadReceived.event_type: partial(store_upload, storage)})
    ocr = ocr_bootstrap(OcrSettings(**settings.model_dump()))
    run_worker("ocr", {events.UploadReceived.event_type: partial(read_upload, ocr)})
    for client in clients:
        client.join(timeout=60)

    assert len(answers) == WAITERS
    assert {status for status, _ in answers} == {200}
    assert {body["status"] for _, body in answers} == {"completed"}
    assert all(body["images"][0]["status"] == "done" for _, body in answers)
    assert stream_events[0] == "progress" and stream_events[-1] == "completed"
