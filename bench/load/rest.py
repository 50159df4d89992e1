"""A small synchronous client of the REST API for the load test's own measurements (the
single-image yardstick, the per-image costs): an account of its own, uploads and drafts
waited for with ?wait, and everything it made deleted at the end."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import urllib3

from bench.load.pages import Page

WAIT_SECONDS = 60


class Client:
    """A signed-in account of its own on the cluster at `base`."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = urllib3.PoolManager(timeout=WAIT_SECONDS + 30)
        credentials = {"username": f"load-probe-{uuid.uuid4().hex[:8]}", "password": "x" * 12}
        registered = self.http.request("POST", f"{base}/v1/auth/register", json=credentials)
        if registered.status != 201:
            raise SystemExit(
                f"could not sign up ({registered.status}): {registered.data[:300]!r}; "
                "is the sign-up limit raised (docs/performance.md)?"
            )
        token = self._json("POST", "/v1/auth/token", json=credentials)["access_token"]
        self.auth = {"Authorization": f"Bearer {token}"}
        self.made: list[str] = []  # paths to DELETE at the end

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.http.request(method, f"{self.base}{path}", **kwargs)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {response.data[:300]!r}")
        return dict(json.loads(response.data))

    def upload(self, pages: list[Page]) -> str:
        fields: list[Any] = [("image_type", pages[0].image_type)]
        fields += [(f"image{n}", (p.filename, p.data, p.media_type)) for n, p in enumerate(pages)]
        body, content_type = urllib3.encode_multipart_formdata(fields)
        headers = {**self.auth, "Content-Type": content_type}
        upload_id = str(self._json("POST", "/v1/uploads", body=body, headers=headers)["upload_id"])
        self.made.append(f"/v1/uploads/{upload_id}")
        return upload_id

    def draft(self, upload_id: str) -> str:
        body = {"template_id": "clean", "title": "Load test", "from_upload": upload_id}
        deck_id = str(self._json("POST", "/v1/decks", json=body, headers=self.auth)["deck_id"])
        self.made.append(f"/v1/decks/{deck_id}")
        return deck_id

    def finished(self, path: str) -> dict[str, Any]:
        """The upload or deck at `path` once it is no longer in progress; it must be completed."""
        document: dict[str, Any] = {"status": "processing"}
        while document["status"] in ("processing", "queued", "building"):
            document = self._json("GET", f"{path}?wait={WAIT_SECONDS}", headers=self.auth)
        if document["status"] != "completed":
            raise RuntimeError(f"{path} ended {document['status']}: {document}")
        return document

    def upload_until_completed(self, page: Page) -> tuple[float, int]:
        """Seconds from one page's POST to `completed`, and the OCR engine's milliseconds."""
        began = time.perf_counter()
        upload = self.finished(f"/v1/uploads/{self.upload([page])}")
        return time.perf_counter() - began, int(upload["images"][0]["ocr"].get("duration_ms") or 0)

    def delete_all(self) -> None:
        for path in reversed(self.made):  # decks before their uploads
            self.http.request("DELETE", f"{self.base}{path}", headers=self.auth)
