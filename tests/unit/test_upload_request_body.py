"""An upload's body is read from the server in large steps (gateway.uploads.request_body), and
its form parses as it did."""

from __future__ import annotations

import io
from typing import Any

import urllib3
from werkzeug.wrappers import Request

from gateway.uploads import request_body

IMAGE = bytes(range(256)) * 12_000  # 3 MB, past several steps


class ServerInput:
    """A server's wsgi.input: hands out at most what is asked, and notes each ask."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.asks: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.asks.append(size)
        return self._data.read(size)


def _request(server: ServerInput, content_type: str, length: int) -> Request:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(length),
        "wsgi.input": server,
    }
    request_body.read_in_large_steps(environ)
    return Request(environ)


def _form() -> tuple[bytes, str]:
    return urllib3.encode_multipart_formdata(
        {"image0": ("page.png", IMAGE, "image/png"), "image_type": "eng-printed"}
    )


def test_an_upload_read_in_large_steps_arrives_whole():
    body, content_type = _form()
    request = _request(ServerInput(body), content_type, len(body))

    assert request.files["image0"].read() == IMAGE
    assert request.form["image_type"] == "eng-printed"


def test_the_server_is_asked_for_the_body_a_step_at_a_time():
    body, content_type = _form()
    server = ServerInput(body)

    _request(server, content_type, len(body)).files["image0"].read()

    assert server.asks[:3] == [request_body.READ_STEP] * 3  # not werkzeug's 64 KiB reads
