"""S3 object storage behind a narrow interface, spoken through the `minio` SDK.

Nothing here depends on which S3 server answers (SeaweedFS locally, anything S3 elsewhere).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

import urllib3
from minio import Minio
from minio.commonconfig import ENABLED, Filter
from minio.error import S3Error
from minio.lifecycleconfig import Expiration, LifecycleConfig, Rule

from jaryo_shared.settings import Settings

PART_SIZE = 8 * 1024 * 1024  # streamed uploads go up in parts of this size
_MISSING = {"NoSuchKey", "NoSuchBucket", "NoSuchObject"}


def client(settings: Settings) -> Minio:
    # The SDK's default pool waits minutes on a dead server; fail fast and let callers retry.
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=3.0, read=60.0),
        retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        maxsize=16,
    )
    return Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key.get_secret_value(),
        secret_key=settings.s3_secret_key.get_secret_value(),
        secure=settings.s3_secure,
        region=settings.s3_region,
        http_client=http,
    )


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    last_modified: datetime


class ObjectStore:
    def __init__(self, minio: Minio) -> None:
        self._minio = minio

    def ensure_buckets(self, names: list[str]) -> None:
        for name in names:
            if not self._minio.bucket_exists(name):
                self._minio.make_bucket(name)

    def ping(self, bucket: str) -> None:
        """Raise unless the server answers and the bucket exists."""
        if not self._minio.bucket_exists(bucket):
            raise LookupError(f"bucket {bucket} does not exist")

    def put_stream(
        self,
        bucket: str,
        key: str,
        stream: BinaryIO,
        *,
        length: int = -1,
        content_type: str = "application/octet-stream",
    ) -> None:
        """Store a stream without holding it whole in memory (multipart when length is -1)."""
        self._minio.put_object(
            bucket, key, stream, length, content_type=content_type, part_size=PART_SIZE
        )

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        self._minio.put_object(bucket, key, io.BytesIO(data), len(data), content_type=content_type)

    def get_bytes(self, bucket: str, key: str) -> bytes:
        response = self._minio.get_object(bucket, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def get_bytes_if_present(self, bucket: str, key: str) -> bytes | None:
        """The object's bytes, or None if there is no such object (one request, no HEAD)."""
        try:
            return self.get_bytes(bucket, key)
        except S3Error as exc:
            if exc.code in _MISSING:
                return None
            raise

    def stream(self, bucket: str, key: str, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
        """The object's bytes in chunks, without holding it whole in memory."""
        response = self._minio.get_object(bucket, key)
        try:
            yield from response.stream(chunk_size)
        finally:
            response.close()
            response.release_conn()

    def stream_if_present(
        self, bucket: str, key: str, chunk_size: int = 256 * 1024
    ) -> Iterator[bytes] | None:
        """As `stream`, or None if there is no such object: the object is asked for now, so
        a missing one is told apart from one whose transfer breaks off later."""
        try:
            response = self._minio.get_object(bucket, key)
        except S3Error as exc:
            if exc.code in _MISSING:
                return None
            raise
        return self._chunks(response, chunk_size)

    @staticmethod
    def _chunks(response: urllib3.BaseHTTPResponse, chunk_size: int) -> Iterator[bytes]:
        try:
            yield from response.stream(chunk_size)
        finally:
            response.close()
            response.release_conn()

    def size(self, bucket: str, key: str) -> int | None:
        """The object's size, or None if there is no such object."""
        try:
            return self._minio.stat_object(bucket, key).size
        except S3Error as exc:
            if exc.code in _MISSING:
                return None
            raise

    def keys(self, bucket: str, prefix: str = "") -> Iterator[str]:
        for obj in self._minio.list_objects(bucket, prefix=prefix, recursive=True):
            if obj.object_name is not None:
                yield obj.object_name

    def listing(self, bucket: str, prefix: str = "") -> Iterator[StoredObject]:
        """Every object under the prefix with its size and when it was last written."""
        for obj in self._minio.list_objects(bucket, prefix=prefix, recursive=True):
            if obj.object_name is not None and obj.last_modified is not None:
                yield StoredObject(obj.object_name, obj.size or 0, obj.last_modified)

    def expire_after_days(self, bucket: str, days: int, rule_id: str) -> None:
        """An S3 lifecycle rule deleting every object of the bucket `days` after it is written.
        Raises S3Error if the server does not support lifecycle rules."""
        rule = Rule(
            ENABLED,
            rule_filter=Filter(prefix=""),
            rule_id=rule_id,
            expiration=Expiration(days=days),
        )
        self._minio.set_bucket_lifecycle(bucket, LifecycleConfig([rule]))

    def expiry_days(self, bucket: str) -> int | None:
        config = self._minio.get_bucket_lifecycle(bucket)
        for rule in config.rules if config else []:
            if rule.expiration is not None and rule.expiration.days:
                return int(rule.expiration.days)
        return None

    def delete(self, bucket: str, key: str) -> None:
        self._minio.remove_object(bucket, key)

    def delete_prefix(self, bucket: str, prefix: str) -> int:
        deleted = 0
        for key in list(self.keys(bucket, prefix)):
            self.delete(bucket, key)
            deleted += 1
        return deleted

    def delete_bucket(self, bucket: str) -> None:
        """Empty the bucket, then remove it."""
        self.delete_prefix(bucket, "")
        self._minio.remove_bucket(bucket)

    def presigned_get(self, bucket: str, key: str, expires: timedelta) -> str:
        return self._minio.presigned_get_object(bucket, key, expires=expires)
