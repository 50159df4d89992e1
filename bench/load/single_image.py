"""The load test's yardstick: how long a one-page upload takes on the idle cluster, from the
POST to the answer that it is completed, through the same REST API the simulated people use.
The completion target is a multiple of it."""

from __future__ import annotations

import json
import statistics
import time
import uuid
from dataclasses import dataclass
from typing import Any

import urllib3

from bench.load.pages import Page

WAIT_SECONDS = 60


@dataclass(frozen=True)
class SingleImage:
    seconds: list[float]  # POST → completed, each measured round
    engine_ms: list[int]  # the OCR engine's own time for the page, as the upload reports it

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


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
        self.uploads: list[str] = []

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.http.request(method, f"{self.base}{path}", **kwargs)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {response.data[:300]!r}")
        return dict(json.loads(response.data))

    def upload_until_completed(self, page: Page) -> tuple[float, int]:
        """Seconds from the POST to `completed`, and the engine's milliseconds."""
        fields: list[Any] = [
            ("image_type", page.image_type),
            ("image0", (page.filename, page.data)),
        ]
        body, content_type = urllib3.encode_multipart_formdata(fields)
        began = time.perf_counter()
        headers = {**self.auth, "Content-Type": content_type}
        upload_id = self._json("POST", "/v1/uploads", body=body, headers=headers)["upload_id"]
        self.uploads.append(upload_id)
        upload: dict[str, Any] = {"status": "processing"}
        while upload["status"] == "processing":
            path = f"/v1/uploads/{upload_id}?wait={WAIT_SECONDS}"
            upload = self._json("GET", path, headers=self.auth)
        seconds = time.perf_counter() - began
        if upload["status"] != "completed":
            raise RuntimeError(f"the single-image upload ended {upload['status']}: {upload}")
        return seconds, int(upload["images"][0]["ocr"].get("duration_ms") or 0)

    def delete_uploads(self) -> None:
        for upload_id in self.uploads:
            self.http.request("DELETE", f"{self.base}/v1/uploads/{upload_id}", headers=self.auth)


def measure(base: str, pages: list[Page], rounds: int) -> SingleImage:
    """One warm-up, then `rounds` single-page uploads one after another, cycling the pages."""
    client = Client(base)
    try:
        client.upload_until_completed(pages[0])
        timed = [client.upload_until_completed(pages[n % len(pages)]) for n in range(rounds)]
    finally:
        client.delete_uploads()
    return SingleImage([s for s, _ in timed], [ms for _, ms in timed])
