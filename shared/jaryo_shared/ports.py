"""The narrow interfaces between a service's logic and the servers it talks to.

Handlers and policies take these Protocols, not the concrete clients, so a unit test can hand
them the in-memory fakes of `tests/unit/fakes.py`. The real implementations are
`jaryo_shared.objectstore.ObjectStore` (S3 through the minio SDK) and
`jaryo_shared.messaging.Publisher` (RabbitMQ through kombu, with publisher confirms); each
service's `bootstrap.py` builds them once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import BinaryIO, Protocol

from jaryo_shared import events
from jaryo_shared.objectstore import StoredObject


class EventPublisher(Protocol):
    def publish(self, envelope: events.Envelope) -> None:
        """Publish one event; return only once the broker has confirmed it, raise otherwise."""


class ObjectStorage(Protocol):
    def put_stream(
        self,
        bucket: str,
        key: str,
        stream: BinaryIO,
        *,
        length: int = -1,
        content_type: str = "application/octet-stream",
    ) -> None: ...

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None: ...

    def get_bytes(self, bucket: str, key: str) -> bytes: ...

    def get_bytes_if_present(self, bucket: str, key: str) -> bytes | None: ...

    def stream(self, bucket: str, key: str, chunk_size: int = 256 * 1024) -> Iterator[bytes]: ...

    def stream_if_present(
        self, bucket: str, key: str, chunk_size: int = 256 * 1024
    ) -> Iterator[bytes] | None: ...

    def size(self, bucket: str, key: str) -> int | None: ...

    def keys(self, bucket: str, prefix: str = "") -> Iterator[str]: ...

    def listing(self, bucket: str, prefix: str = "") -> Iterator[StoredObject]: ...

    def delete(self, bucket: str, key: str) -> None: ...

    def delete_prefix(self, bucket: str, prefix: str) -> int: ...

    def presigned_get(self, bucket: str, key: str, expires: timedelta) -> str: ...
