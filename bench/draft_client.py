"""What `make draft-eval` asks of the API, as a client would: upload an image, wait for its
reading, draft a deck from it with a background mode, wait for the build, fetch its spec and
file."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3

FINISHED = ("completed", "failed")


@dataclass(frozen=True)
class Api:
    http: urllib3.PoolManager
    base: str
    auth: dict[str, str]

    def call(self, method: str, path: str, **kwargs: Any) -> urllib3.BaseHTTPResponse:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.base}{path}", headers=headers, **kwargs)


def upload(api: Api, image: Path, image_type: str) -> str:
    """One upload of one image; its id."""
    body, content_type = urllib3.encode_multipart_formdata(
        [
            ("image0", (image.name, image.read_bytes(), "application/octet-stream")),
            ("image_type", image_type),
        ]
    )
    response = api.call("POST", "/v1/uploads", body=body, headers={"Content-Type": content_type})
    if response.status != 202:
        raise RuntimeError(f"upload of {image.name}: {response.status} {response.data[:300]!r}")
    return str(json.loads(response.data)["upload_id"])


def finished(api: Api, path: str, timeout: float) -> dict[str, Any]:
    """The upload or deck at `path` once it is completed or failed (long-polled)."""
    deadline = time.monotonic() + timeout
    while True:
        found = json.loads(api.call("GET", f"{path}?wait=60").data)
        if found.get("status") in FINISHED:
            return dict(found)
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} still {found.get('status')} after {timeout:.0f} s")


def draft(api: Api, upload_id: str, template_id: str, mode: str) -> str | None:
    """A deck drafted from the upload with `background: mode`; its id, or None when the API
    knows no `background` and the mode has no older name (`clean`). `photo` also sends its
    older name, `with_images`, which an API without `background` reads alone."""
    body = {"template_id": template_id, "title": f"draft-eval {mode}", "from_upload": upload_id}
    response = api.call(
        "POST", "/v1/decks", json={**body, "background": mode, "with_images": mode == "photo"}
    )
    if response.status == 422 and mode != "clean":
        response = api.call("POST", "/v1/decks", json={**body, "with_images": mode == "photo"})
    elif response.status == 422:
        return None
    if response.status != 202:
        raise RuntimeError(f"draft {mode} of {upload_id}: {response.status} {response.data!r}")
    return str(json.loads(response.data)["deck_id"])


def spec(api: Api, deck_id: str) -> dict[str, Any]:
    return dict(json.loads(api.call("GET", f"/v1/decks/{deck_id}/spec").data))


def download(api: Api, deck_id: str, to: Path) -> Path:
    response = api.call("GET", f"/v1/decks/{deck_id}/file")
    if response.status != 200:
        raise RuntimeError(f"deck {deck_id} file: {response.status}")
    to.write_bytes(response.data)
    return to


def first_slide_text(deck_spec: dict[str, Any]) -> str:
    """The text the deck's first slide holds: its text elements' text, in order."""
    elements = deck_spec["slides"][0]["elements"] if deck_spec.get("slides") else []
    return "\n".join(e["text"] for e in elements if e["type"] == "text")


def drawn_background(deck_spec: dict[str, Any]) -> str:
    """What the first slide has behind its text, whatever was asked for: `photo` or `clean`
    (the variant of the image element that spans the slide's width or height, as a fitted
    image does; a figure moved out as an element of its own does not) or `template`."""
    elements = deck_spec["slides"][0]["elements"] if deck_spec.get("slides") else []
    for element in elements:
        spans = element["w"] >= 0.99 or element["h"] >= 0.99
        if element["type"] == "image" and spans:
            return "clean" if element.get("variant") == "clean" else "photo"
    return "template"
