"""A steady load of careful clients: each signs up, then uploads one or two small PNGs with a
line of text and waits for them, or asks for decks. A careful client retries what a fault
interrupted: an upload with the same Idempotency-Key on any failure (so a retry never makes a
second upload), a deck only when the request cannot have been taken (connection refused, or a
502/503/504 answer). Something counts as accepted only once a 202 was received."""

from __future__ import annotations

import io
import itertools
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import urllib3
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

PASSWORD = "correct horse battery staple"
UNSETTLED = {"upload": {"processing"}, "deck": {"queued", "building"}}
PAUSE = 0.5  # seconds a person takes between two things: a modest rate on two shared cores
GATEWAY_DOWN = {502, 503, 504}  # the request was not taken: resend it
SERVER_ERRORS = set(range(500, 600))
POST_PATIENCE = 60.0  # seconds a client keeps retrying one request before giving it up
WAIT_PATIENCE = 90.0  # seconds a client waits for one thing it was given a 202 for


def text_png(text: str) -> bytes:
    image = Image.new("L", (360, 70), 255)
    ImageDraw.Draw(image).text((10, 18), text, fill=0, font=ImageFont.load_default(size=24))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class Accepted:
    kind: str  # "upload" or "deck"
    id: str
    owner: Client
    phase: str
    accepted_at: float
    status: str | None = None  # the last status the client saw
    finished_at: float | None = None


@dataclass
class Tracker:
    """What the clients were promised (every 202) and what they saw become of it."""

    phase: str = "none (warm-up)"
    items: list[Accepted] = field(default_factory=list)
    gave_up: int = 0  # requests retried past POST_PATIENCE without a 202
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accept(self, kind: str, item_id: str, client: Client) -> Accepted:
        with self.lock:
            item = Accepted(kind, item_id, client, self.phase, time.monotonic())
            self.items.append(item)
            return item

    def unsettled(self) -> list[Accepted]:
        with self.lock:
            return [i for i in self.items if i.finished_at is None]

    def accepted_since(self, moment: float, kind: str | None = None) -> list[Accepted]:
        with self.lock:
            return [
                i
                for i in self.items
                if i.accepted_at >= moment and (kind is None or i.kind == kind)
            ]

    def finished(self, item: Accepted, status: str) -> None:
        with self.lock:
            item.status, item.finished_at = status, time.monotonic()


class Client:
    """One person using the API over HTTP, as a separate program would (no Jaryo code)."""

    def __init__(self, url: str, tracker: Tracker, stop: threading.Event) -> None:
        self.url = url
        self.tracker = tracker
        self.stop = stop
        self.username = f"faults-{uuid.uuid4().hex[:12]}"
        self.token = ""
        self.http = urllib3.PoolManager(
            retries=False, timeout=urllib3.Timeout(connect=3.0, read=75.0)
        )
        self.last_upload: Accepted | None = None
        self.counter = itertools.count(1)

    # --- plumbing -------------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, auth: bool = True, **kwargs: Any
    ) -> urllib3.BaseHTTPResponse:
        headers = dict(kwargs.pop("headers", {}))
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self.http.request(method, self.url + path, headers=headers, **kwargs)
        if auth and response.status == 401 and not path.startswith("/v1/auth"):
            self.sign_in()  # the access token ran out during a long run
            headers["Authorization"] = f"Bearer {self.token}"
            response = self.http.request(method, self.url + path, headers=headers, **kwargs)
        return response

    def retrying(
        self, send, *, retry: set[int], idempotent: bool
    ) -> urllib3.BaseHTTPResponse | None:
        """`send()` until the answer's status is not in `retry`, or patience ends (None).
        A request cut off after it was sent may have been taken: only an `idempotent` one is
        sent again; connection refused means nothing was sent, so that is always retried."""
        deadline = time.monotonic() + POST_PATIENCE
        while time.monotonic() < deadline:
            try:
                response = send()
            except urllib3.exceptions.NewConnectionError:
                pass
            except urllib3.exceptions.HTTPError:
                if not idempotent:
                    return None
            else:
                if response.status not in retry:
                    return response
            time.sleep(0.5)
        with self.tracker.lock:
            self.tracker.gave_up += 1
        return None

    def sign_up(self) -> None:
        credentials = {"username": self.username, "password": PASSWORD}
        response = self.retrying(
            lambda: self.request("POST", "/v1/auth/register", auth=False, json=credentials),
            retry=SERVER_ERRORS,
            idempotent=True,  # a 409 after a resend: the first one was taken
        )
        assert response is not None and response.status in (201, 409), response
        self.sign_in()

    def sign_in(self) -> None:
        credentials = {"username": self.username, "password": PASSWORD}
        response = self.retrying(
            lambda: self.http.request("POST", self.url + "/v1/auth/token", json=credentials),
            retry=SERVER_ERRORS,
            idempotent=True,
        )
        if response is not None and response.status == 200:
            self.token = response.json()["access_token"]

    # --- what the person does -------------------------------------------------------------------

    def upload(self) -> Accepted | None:
        n = next(self.counter)
        key = uuid.uuid4().hex
        count = 1 + n % 2

        def send() -> urllib3.BaseHTTPResponse:
            fields: dict[str, Any] = {"image_type": "eng-printed"}
            for i in range(count):
                fields[f"image{i}"] = (f"page{i}.png", text_png(f"Fault run {n} page {i}"))
            return self.request(
                "POST", "/v1/uploads", fields=fields, headers={"Idempotency-Key": key}
            )

        # 409: a request with this key is still being taken (the one cut off, perhaps).
        response = self.retrying(send, retry=SERVER_ERRORS | {409}, idempotent=True)
        if response is None or response.status != 202:
            log.warning("upload not accepted: %s", response and response.data[:300])
            return None
        return self.tracker.accept("upload", response.json()["upload_id"], self)

    def deck(self) -> Accepted | None:
        n = next(self.counter)
        body: dict[str, Any]
        if self.last_upload is not None and n % 2:
            draft = self.last_upload.id
            body = {"template_id": "clean", "title": f"Draft {n}", "from_upload": draft}
        else:
            body = {
                "template_id": "clean",
                "title": f"Deck {n}",
                "slides": [
                    {
                        "layout": "title",
                        "elements": [
                            {
                                "type": "text",
                                "text": f"Slide {n}",
                                "x": 0.1,
                                "y": 0.1,
                                "w": 0.8,
                                "h": 0.2,
                            },
                        ],
                    }
                ],
            }
        response = self.retrying(
            lambda: self.request("POST", "/v1/decks", json=body),
            retry=GATEWAY_DOWN,
            idempotent=False,
        )
        if response is None or response.status != 202:
            log.warning("deck not accepted: %s", response and response.data[:300])
            return None
        return self.tracker.accept("deck", response.json()["deck_id"], self)

    def status(self, item: Accepted, wait: int = 0) -> str | None:
        """The item's status as its owner reads it; None while that cannot be read."""
        path = f"/v1/{item.kind}s/{item.id}" + (f"?wait={wait}" if wait else "")
        try:
            response = self.request("GET", path)
        except urllib3.exceptions.HTTPError:
            return None
        if response.status == 404:
            return "missing"
        if response.status != 200:
            return None
        return str(response.json()["status"])

    def follow(self, item: Accepted) -> None:
        """Wait (?wait=20, again and again) until the item is finished, or patience ends."""
        deadline = time.monotonic() + WAIT_PATIENCE
        while time.monotonic() < deadline:
            status = self.status(item, wait=20)
            if status is not None and status not in UNSETTLED[item.kind]:
                self.tracker.finished(item, status)
                return
            if status is None:
                time.sleep(0.5)  # the gateway is down: try again shortly

    def run(self, kind: str) -> None:
        try:
            self.sign_up()
            while not self.stop.is_set():
                # A deck maker drafts decks from its own uploads: it uploads one first.
                wants_upload = kind == "upload" or self.last_upload is None
                item = self.upload() if wants_upload else self.deck()
                if item is not None:
                    self.follow(item)
                    if item.kind == "upload" and item.status == "completed":
                        self.last_upload = item
                self.stop.wait(PAUSE)
        except Exception:
            log.exception("client %s stopped", self.username)
            raise


@dataclass
class Load:
    url: str
    uploaders: int
    deck_makers: int
    tracker: Tracker = field(default_factory=Tracker)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)

    def start(self) -> None:
        kinds = ["upload"] * self.uploaders + ["deck"] * self.deck_makers
        for index, kind in enumerate(kinds):
            client = Client(self.url, self.tracker, self.stop)
            thread = threading.Thread(
                target=client.run, args=(kind,), name=f"{kind}-{index}", daemon=True
            )
            self.clients.append(client)
            self.threads.append(thread)
            thread.start()

    def finish(self, timeout: float) -> None:
        """Stop asking for more; let every client finish following what it has."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=timeout)
