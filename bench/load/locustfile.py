"""A person using Jaryo through its REST API, for locust: signs up and in once, then, once a
pacing interval, uploads 1-5 pages, waits for them to be read, drafts a deck from the upload,
waits for it and downloads the .pptx. Only the public API (docs/api.md), no internal events.

    locust -f bench/load/locustfile.py --host http://127.0.0.1:8080 --headless -u 4 -r 1 -t 2m

Besides locust's per-request statistics it fires three timings of its own ("journey" type):
`upload accepted` (the POST), `upload completed` (POST → completed) and `deck completed`
(POST /v1/decks → completed); with JARYO_LOAD_JOURNAL set, every journey is also written there
(bench/load/journal.py) for bench/load_test.py. JARYO_LOAD_PACING (seconds, 40) is how often
each person starts a journey, so users / pacing is the offered rate of uploads a second.
The cluster must allow a sign-up per simulated user from one address: start it with
JARYO_REGISTRATIONS_PER_ADDRESS raised (docs/performance.md).
"""

from __future__ import annotations

import itertools
import os
import random
import time
import uuid
from typing import Any

import urllib3
from locust import FastHttpUser, constant_pacing, task
from locust.exception import StopUser

from bench.load import journal, plan
from bench.load.pages import Page, page_pools

RUN = os.environ.get("JARYO_LOAD_RUN") or uuid.uuid4().hex[:6]
PASSWORD = "load-test-password"
WAIT_SECONDS = 60  # the gateway's most for ?wait
GIVE_UP_SECONDS = 600  # a journey part that takes longer counts as failed
TOKEN_REFRESH_SECONDS = 600  # access tokens live 900 s (JARYO_ACCESS_TOKEN_SECONDS)
KOREAN_SHARE = 0.4

_PAGES = page_pools()
_numbers = itertools.count()


class Stopped(Exception):
    """The journey ended short: `stage` says where, the message why."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage = stage


class Person(FastHttpUser):
    wait_time = constant_pacing(plan.pacing())
    network_timeout = WAIT_SECONDS + 30.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.username = f"load-{RUN}-{next(_numbers)}"
        self.rng = random.Random(self.username)
        self.created: list[str] = []  # paths to DELETE when the user stops
        self._post(
            "/v1/auth/register", "register", {"username": self.username, "password": PASSWORD}
        )
        self._sign_in()

    def on_stop(self) -> None:
        """Deletes what this person made (the janitor purges it later), decks first."""
        for path in reversed(self.created):
            self.client.delete(path, headers=self.auth, name=path.rsplit("/", 1)[0] + "/[id]")

    @task
    def journey(self) -> None:
        if time.monotonic() - self.signed_in_at > TOKEN_REFRESH_SECONDS:
            self._sign_in()
        language = "ko" if self.rng.random() < KOREAN_SHARE else "en"
        pages = self.rng.sample(_PAGES[language], self.rng.randint(1, 5))
        started_at, began = time.time(), time.perf_counter()
        timings: dict[str, float] = {}
        error = None
        try:
            self._journey(pages, began, timings)
        except Stopped as stopped:
            error = str(stopped)
            self._fire(f"{stopped.stage} stopped", 0.0, stopped)
        journal.append(journal.Journey(started_at, len(pages), **timings, error=error))

    def _journey(self, pages: list[Page], began: float, timings: dict[str, float]) -> None:
        upload_id = self._upload(pages)
        timings["accept_s"] = time.perf_counter() - began
        self._fire("upload accepted", timings["accept_s"])
        upload = self._until_finished(f"/v1/uploads/{upload_id}", "upload")
        if upload["status"] != "completed":
            raise Stopped("upload", f"{upload['status']}: {upload.get('failures')}")
        timings["complete_s"] = time.perf_counter() - began
        self._fire("upload completed", timings["complete_s"])
        deck_began = time.perf_counter()
        deck_id = self._draft(upload_id)
        deck = self._until_finished(f"/v1/decks/{deck_id}", "deck")
        if deck["status"] != "completed":
            raise Stopped("deck", f"{deck['status']}: {deck.get('code')}")
        timings["deck_s"] = time.perf_counter() - deck_began
        self._fire("deck completed", timings["deck_s"])
        download_began = time.perf_counter()
        self._download(deck_id)
        timings["download_s"] = time.perf_counter() - download_began

    def _upload(self, pages: list[Page]) -> str:
        fields: list[Any] = [("image_type", pages[0].image_type)]
        fields += [
            (f"image{n}", (page.filename, page.data, page.media_type))
            for n, page in enumerate(pages)
        ]
        body, content_type = urllib3.encode_multipart_formdata(fields)
        headers = {**self.auth, "Content-Type": content_type}
        # geventhttpclient sends bytes as they are; locust's hint leaves them out
        response = self.client.post("/v1/uploads", data=body, headers=headers)  # type: ignore[arg-type]
        if response.status_code != 202:
            raise Stopped("upload", f"POST answered {response.status_code}")
        upload_id = response.json()["upload_id"]
        self.created.append(f"/v1/uploads/{upload_id}")
        return str(upload_id)

    def _draft(self, upload_id: str) -> str:
        body = {"template_id": "clean", "title": "Load test", "from_upload": upload_id}
        response = self.client.post("/v1/decks", json=body, headers=self.auth)
        if response.status_code != 202:
            raise Stopped("deck", f"POST answered {response.status_code}")
        deck_id = str(response.json()["deck_id"])
        self.created.append(f"/v1/decks/{deck_id}")
        return deck_id

    def _until_finished(self, path: str, stage: str) -> dict[str, Any]:
        """GET with ?wait until the status is no longer in progress. If the gateway answers an
        unfinished state at once (its waiting slots are all taken), it is asked again a second
        later rather than in a tight loop."""
        give_up = time.monotonic() + GIVE_UP_SECONDS
        name = path.rsplit("/", 1)[0] + "/[id]?wait"
        while True:
            asked = time.monotonic()
            response = self.client.get(f"{path}?wait={WAIT_SECONDS}", headers=self.auth, name=name)
            if response.status_code != 200:
                raise Stopped(stage, f"GET answered {response.status_code}")
            document = response.json()
            if document["status"] not in ("processing", "queued", "building"):
                return document
            if time.monotonic() > give_up:
                raise Stopped(stage, f"still {document['status']} after {GIVE_UP_SECONDS} s")
            if time.monotonic() - asked < 1:
                time.sleep(1)

    def _download(self, deck_id: str) -> None:
        response = self.client.get(
            f"/v1/decks/{deck_id}/file", headers=self.auth, name="/v1/decks/[id]/file"
        )
        if response.status_code != 200 or not (response.content or b"").startswith(b"PK"):
            raise Stopped("download", f"GET answered {response.status_code}")

    def _sign_in(self) -> None:
        credentials = {"username": self.username, "password": PASSWORD}
        token = self._post("/v1/auth/token", "sign in", credentials)
        self.auth = {"Authorization": f"Bearer {token['access_token']}"}
        self.signed_in_at = time.monotonic()

    def _post(self, path: str, what: str, body: dict[str, str]) -> dict[str, Any]:
        response = self.client.post(path, json=body)
        if response.status_code not in (200, 201):
            # Most likely 429: the cluster's sign-up limit per address (docs/performance.md).
            self._fire(f"{what} refused", 0.0, Stopped(what, f"answered {response.status_code}"))
            raise StopUser()
        return dict(response.json())

    def _fire(self, name: str, seconds: float, exception: Exception | None = None) -> None:
        self.environment.events.request.fire(
            request_type="journey",
            name=name,
            response_time=seconds * 1000,
            response_length=0,
            exception=exception,
            context={},
        )
