"""How soon a waiting client hears that its upload or deck is finished, through the real gunicorn
gateway: a `?wait=N` request, `/text?wait=N` and the event stream answer within half a second
of the `upload.completed` (or `deck.completed`) event, timed from when a queue bound to the
exchange received it."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import urllib3
from kombu import Connection, Consumer, Queue, binding
from kombu.transport.base import Message

from deck_service.bootstrap import bootstrap as deck_bootstrap
from deck_service.handlers import handlers as deck_handlers
from deck_service.settings import DeckSettings
from jaryo_shared import events
from jaryo_shared.topology import Topology
from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handlers as ocr_handlers
from ocr_service.settings import OcrSettings
from storage_service.bootstrap import bootstrap as storage_bootstrap
from storage_service.handlers import handlers as storage_handlers
from storage_service.settings import StorageSettings
from tests.helpers import png_bytes, wait_until
from tests.integration.waiting_gateway import Served, served_gateway, waiting_requests

pytestmark = [pytest.mark.integration, pytest.mark.alone]

PROMPT = 0.5  # seconds from the event to the answer, at most
DECK = {
    "template_id": "clean",
    "title": "Prompt",
    "slides": [
        {
            "layout": "blank",
            "elements": [{"type": "text", "text": "hello", "x": 0.1, "y": 0.1, "w": 0.5, "h": 0.2}],
        }
    ],
}


class EventClock:
    """When each event reached a private queue bound to the exchange, by type and subject, on
    the clock the test's HTTP clients use (time.monotonic)."""

    def __init__(self, settings, *payloads: type[events.Payload]) -> None:
        self.seen: dict[tuple[str, str | None], float] = {}
        self._stopped = threading.Event()
        self._connection = Connection(settings.amqp_url, heartbeat=0)
        queue = Queue(
            f"clock-{uuid.uuid4().hex[:8]}",
            bindings=[binding(Topology(settings).exchange, p.routing_key()) for p in payloads],
            exclusive=True,
            auto_delete=True,
        )
        consumer = Consumer(
            self._connection.default_channel,
            queues=[queue],
            on_message=self._arrived,
            no_ack=True,
        )
        consumer.consume()  # declared and bound before the test goes on
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _arrived(self, message: Message) -> None:
        at = time.monotonic()
        envelope, _ = events.parse(message.body)
        self.seen.setdefault((envelope.type, envelope.subject), at)

    def _drain(self) -> None:
        while not self._stopped.is_set():
            try:
                self._connection.drain_events(timeout=0.2)
            except TimeoutError:
                pass

    def when(self, payload: type[events.Payload], subject: str) -> float:
        return wait_until(lambda: self.seen.get((payload.event_type, subject)), timeout=30)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._connection.release()


@pytest.fixture
def event_clock(settings):
    clock = EventClock(settings, events.UploadCompleted, events.DeckCompleted)
    yield clock
    clock.close()


@pytest.fixture
def served(settings):
    with served_gateway(settings) as served:
        yield served


def _auth(http, url: str) -> dict[str, str]:
    credentials = {"username": f"prompt-{uuid.uuid4().hex[:12]}", "password": "correct horse"}
    assert http.request("POST", url + "/v1/auth/register", json=credentials).status == 201
    token = http.request("POST", url + "/v1/auth/token", json=credentials).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _answers(
    http, url: str, auth: dict[str, str], paths: list[str]
) -> dict[str, tuple[float, str]]:
    """Start a client per path; returns, filled in as they answer, when each one got its answer
    and what it said (the status in the body, or the SSE event that ended the stream)."""
    answered: dict[str, tuple[float, str]] = {}

    def ask(path: str) -> None:
        answer = http.request("GET", url + path, headers=auth, timeout=60)
        at = time.monotonic()
        said = answer.json()["status"] if answer.status == 200 and "/text" not in path else ""
        answered[path] = (at, f"{answer.status} {said}".strip())

    def follow(path: str) -> None:
        stream = http.request("GET", url + path, headers=auth, preload_content=False, timeout=60)
        last = f"{stream.status}"
        for chunk in stream.read_chunked():
            for row in chunk.decode().splitlines():
                if row.startswith("event: "):
                    last = row.removeprefix("event: ")
            if last == "completed":
                break
        answered[path] = (time.monotonic(), last)
        stream.release_conn()

    for path in paths:
        target = follow if path.endswith("/events") else ask
        threading.Thread(target=target, args=(path,), daemon=True).start()
    return answered


def test_waiting_clients_hear_of_a_finished_upload_within_half_a_second(
    served: Served, settings, run_worker, purge_queues, event_clock
):
    purge_queues()
    gateway_url = served.url
    http = urllib3.PoolManager(maxsize=10)
    auth = _auth(http, gateway_url)
    created = http.request(
        "POST",
        gateway_url + "/v1/uploads",
        fields={"image0": ("page.png", png_bytes(400, 300), "image/png")},
        headers=auth,
    )
    assert created.status == 202
    upload = created.headers["Location"]
    paths = [f"{upload}?wait=50", f"{upload}/text?wait=50", f"{upload}/events"]
    answered = _answers(http, gateway_url, auth, paths)
    wait_until(lambda: waiting_requests(http, served) == len(paths))  # all three are parked

    storage = storage_bootstrap(StorageSettings(**settings.model_dump()))
    run_worker("storage", storage_handlers(storage))
    ocr = ocr_bootstrap(OcrSettings(**settings.model_dump()))
    run_worker("ocr", ocr_handlers(ocr))

    published = event_clock.when(events.UploadCompleted, upload.rsplit("/", 1)[-1])
    wait_until(lambda: len(answered) == len(paths), timeout=60)
    said = {path: what for path, (_, what) in answered.items()}
    assert said == dict(zip(paths, ["200 completed", "200", "completed"], strict=True))
    late = {path: round(at - published, 3) for path, (at, _) in answered.items()}
    print("seconds from upload.completed to the answer:", late)
    assert all(delay < PROMPT for delay in late.values()), late


def test_a_waiting_client_hears_of_a_finished_deck_within_half_a_second(
    served: Served, settings, run_worker, purge_queues, event_clock
):
    purge_queues()
    gateway_url = served.url
    http = urllib3.PoolManager(maxsize=10)
    auth = _auth(http, gateway_url)
    created = http.request("POST", gateway_url + "/v1/decks", json=DECK, headers=auth)
    assert created.status == 202, created.data
    deck = created.headers["Location"]
    answered = _answers(http, gateway_url, auth, [f"{deck}?wait=50"])
    wait_until(lambda: waiting_requests(http, served) == 1)

    builder = deck_bootstrap(DeckSettings(**settings.model_dump()))
    run_worker("deck", deck_handlers(builder))

    published = event_clock.when(events.DeckCompleted, deck.rsplit("/", 1)[-1])
    wait_until(lambda: answered, timeout=60)
    (at, said), *_ = answered.values()
    assert said == "200 completed"
    print(f"seconds from deck.completed to the answer: {at - published:.3f}")
    assert at - published < PROMPT, f"answered {at - published:.3f} s after deck.completed"
