"""An upload's request body, read from the server in large steps.

werkzeug's form parser reads 64 KiB at a time; gunicorn's body reader copies all it holds
buffered (up to 1 MiB read ahead) on each read, so a 1 MB body cost 4.5 ms of CPU to read and
10 MB 10.5 ms; read through a 1 MiB buffer, 1.8 and 5.0 ms (docs/upload-path.md)."""

from __future__ import annotations

import io
from typing import Any

READ_STEP = 1024 * 1024  # what gunicorn reads ahead at most: one copy per step


class _Source(io.RawIOBase):
    """The server's input stream as a raw stream, so io.BufferedReader can read it in steps."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_in_large_steps(environ: dict[str, Any]) -> None:
    """Make the request's body be read from the server READ_STEP bytes at a time; call before
    anything reads the body (request.form, request.files)."""
    environ["wsgi.input"] = io.BufferedReader(_Source(environ["wsgi.input"]), READ_STEP)
