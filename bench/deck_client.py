"""The gateway as bench/deck.py calls it: signed in, a deck posted or revised and followed
until it is completed and until its previews are ready."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import urllib3

from bench import cluster


class Api:
    """The gateway as the bench calls it, signed in."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = urllib3.PoolManager(timeout=120)
        self.auth = cluster.sign_in(self.http, base)

    def call(self, method: str, path: str, **kwargs) -> urllib3.BaseHTTPResponse:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.base}{path}", headers=headers, **kwargs)

    def deck(self, deck_id: str, wait: int = 0) -> dict:
        return json.loads(self.call("GET", f"/v1/decks/{deck_id}?wait={wait}").data)

    def until_completed(self, deck_id: str, start: float) -> float:
        """Seconds from `start` until the deck reads completed (?wait stops at 60 s)."""
        while True:
            view = self.deck(deck_id, wait=60)
            if view["status"] in ("completed", "failed") or time.perf_counter() > start + 300:
                break
        assert view["status"] == "completed", view
        return time.perf_counter() - start

    def until_previews(self, deck_id: str, start: float) -> float:
        """Seconds from `start` until its previews are no longer pending (?wait is not for
        them: asked every 0.1 s)."""
        while (view := self.deck(deck_id))["previews_status"] == "pending":
            assert time.perf_counter() < start + 600, view
            time.sleep(0.1)
        assert view["previews_status"] in ("ready", "unavailable"), view
        return time.perf_counter() - start


@dataclass
class Posted:
    deck_id: str
    completed: float  # seconds from POST
    previews: float  # seconds from POST
    wall: tuple[float, float]  # the clock when POST was sent and completed was answered


def post(api: Api, spec: dict) -> Posted:
    started, start = time.time(), time.perf_counter()
    response = api.call("POST", "/v1/decks", json=spec)
    assert response.status == 202, response.data[:300]
    deck_id = json.loads(response.data)["deck_id"]
    completed = api.until_completed(deck_id, start)
    answered = time.time()
    previews = api.until_previews(deck_id, start)
    return Posted(deck_id, completed, previews, (started, answered))


def revise(api: Api, deck_id: str, spec: dict, revision: int, slide: int) -> tuple[float, float]:
    """PUT the spec with one slide's title changed: seconds to completed, to previews ready."""
    spec["slides"][slide]["elements"][0]["text"] = f"Revision {revision}"
    start = time.perf_counter()
    response = api.call(
        "PUT", f"/v1/decks/{deck_id}/spec", json=spec, headers={"If-Match": f'"r{revision - 1}"'}
    )
    assert response.status == 202, response.data[:300]
    return api.until_completed(deck_id, start), api.until_previews(deck_id, start)
