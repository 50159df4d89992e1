"""In-memory stand-ins for the database, the publisher and the object store, only as large as
the unit tests need (the ports they stand in for: `jaryo_shared.ports`).

`FakeDatabase` hands out `FakeCollection`s by attribute or key, like pymongo's `Database`. A
collection keeps copies of its documents, so a caller's later change to a dict it passed or got
back does not reach the store, as with a real server. The filters and updates understood are
the ones Jaryo's code sends (FerretDB 1.x's subset): field equality, by dotted path too (None
also matches a missing field), `$lt`/`$lte`/`$gt`/`$gte`/`$ne`/`$in` on a field, `$or`; `$set`,
`$unset`, `$inc`, `$push` (with `$each`) and `$pullAll`, by dotted path too; `update_one`'s
`upsert` by `_id`. Any other operator
raises, so a test never passes on a query the fake silently misread.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from jaryo_shared import events
from jaryo_shared.objectstore import StoredObject


def _compare(value: Any, op: str, operand: Any) -> bool:
    if op == "$ne":
        return value != operand
    if op == "$in":
        return value in operand
    if op == "$regex":
        return isinstance(value, str) and re.search(operand, value) is not None
    if value is None:
        return False  # MongoDB: a missing field is not less or greater than anything
    if op == "$lt":
        return bool(value < operand)
    if op == "$lte":
        return bool(value <= operand)
    if op == "$gt":
        return bool(value > operand)
    if op == "$gte":
        return bool(value >= operand)
    raise NotImplementedError(f"the fake does not know the operator {op}")


def _get(document: dict[str, Any], path: str) -> Any:
    """A field by its dotted path (`storage.status`); None if any step is missing."""
    value: Any = document
    for step in path.split("."):
        value = value.get(step) if isinstance(value, dict) else None
    return value


def matches(document: dict[str, Any], query: dict[str, Any] | None) -> bool:
    for key, condition in (query or {}).items():
        if key == "$or":
            if not any(matches(document, branch) for branch in condition):
                return False
            continue
        if key.startswith("$"):
            raise NotImplementedError(f"the fake does not know the operator {key}")
        value = _get(document, key)
        if isinstance(condition, dict) and condition and next(iter(condition)).startswith("$"):
            if not all(_compare(value, op, operand) for op, operand in condition.items()):
                return False
        elif value != condition:
            return False
    return True


def _project(document: dict[str, Any], projection: dict[str, Any] | None) -> dict[str, Any]:
    found = copy.deepcopy(document)
    if not projection:
        return found
    if any(projection.values()):  # inclusion: the fields named, and `_id` unless it is 0
        keep = {key for key, on in projection.items() if on}
        if projection.get("_id", 1):
            keep.add("_id")
        return {key: value for key, value in found.items() if key in keep}
    return {key: value for key, value in found.items() if key not in projection}


def _parent(document: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The dict holding a dotted path's last step (made on the way, as MongoDB's `$set` does)."""
    *steps, last = path.split(".")
    for step in steps:
        document = document.setdefault(step, {})
    return document, last


def _apply(document: dict[str, Any], update: dict[str, Any]) -> None:
    for op, fields in update.items():
        for path, operand in fields.items():
            holder, key = _parent(document, path)
            if op == "$set":
                holder[key] = copy.deepcopy(operand)
            elif op == "$unset":
                holder.pop(key, None)
            elif op == "$inc":
                holder[key] = holder.get(key, 0) + operand
            elif op == "$push":
                each = operand["$each"] if isinstance(operand, dict) else [operand]
                holder.setdefault(key, []).extend(copy.deepcopy(each))
            elif op == "$pullAll":
                holder[key] = [item for item in holder.get(key, []) if item not in operand]
            else:
                raise NotImplementedError(f"the fake does not know the update {op}")


@dataclass
class UpdateResult:
    matched_count: int
    modified_count: int
    upserted_id: Any = None


@dataclass
class DeleteResult:
    deleted_count: int


class FakeCollection:
    def __init__(self, name: str) -> None:
        self.name = name
        self.documents: dict[Any, dict[str, Any]] = {}

    def insert_one(self, document: dict[str, Any]) -> None:
        if document["_id"] in self.documents:  # the one atomic claim FerretDB offers
            raise DuplicateKeyError(f"E11000 duplicate key in {self.name}: {document['_id']}")
        self.documents[document["_id"]] = copy.deepcopy(document)

    def _matching(self, query: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
        return (d for d in list(self.documents.values()) if matches(d, query))

    def find(
        self, query: dict[str, Any] | None = None, projection: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        return [_project(d, projection) for d in self._matching(query)]

    def find_one(
        self, query: dict[str, Any] | None = None, projection: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        return next((_project(d, projection) for d in self._matching(query)), None)

    def count_documents(self, query: dict[str, Any]) -> int:
        return sum(1 for _ in self._matching(query))

    def update_one(
        self, query: dict[str, Any], update: dict[str, Any], upsert: bool = False
    ) -> UpdateResult:
        document = next(self._matching(query), None)
        if document is not None:
            _apply(document, update)
            return UpdateResult(1, 1)
        if not upsert:
            return UpdateResult(0, 0)
        # Jaryo upserts by `_id` alone; a racing insert of the same `_id` raises, as on a server.
        self.insert_one({"_id": query["_id"]})
        _apply(self.documents[query["_id"]], update)
        return UpdateResult(0, 0, upserted_id=query["_id"])

    def replace_one(
        self, query: dict[str, Any], replacement: dict[str, Any], upsert: bool = False
    ) -> UpdateResult:
        document = next(self._matching(query), None)
        if document is None:
            if not upsert:
                return UpdateResult(0, 0)
            self.insert_one({"_id": query["_id"], **copy.deepcopy(replacement)})  # by `_id` alone
            return UpdateResult(0, 0, upserted_id=query["_id"])
        self.documents[document["_id"]] = {"_id": document["_id"], **copy.deepcopy(replacement)}
        return UpdateResult(1, 1)

    def find_one_and_update(
        self,
        query: dict[str, Any],
        update: dict[str, Any],
        return_document: ReturnDocument = ReturnDocument.BEFORE,
    ) -> dict[str, Any] | None:
        document = next(self._matching(query), None)
        if document is None:
            return None
        before = copy.deepcopy(document)
        _apply(document, update)
        return copy.deepcopy(document) if return_document == ReturnDocument.AFTER else before

    def delete_one(self, query: dict[str, Any]) -> DeleteResult:
        document = next(self._matching(query), None)
        if document is None:
            return DeleteResult(0)
        del self.documents[document["_id"]]
        return DeleteResult(1)

    def delete_many(self, query: dict[str, Any]) -> DeleteResult:
        doomed = [document["_id"] for document in self._matching(query)]
        for document_id in doomed:
            del self.documents[document_id]
        return DeleteResult(len(doomed))


class FakeDatabase:
    """`db.images` and `db["images"]` are the same collection, made on first use."""

    def __init__(self) -> None:
        self.collections: dict[str, FakeCollection] = {}

    def __getitem__(self, name: str) -> FakeCollection:
        return self.collections.setdefault(name, FakeCollection(name))

    def __getattr__(self, name: str) -> FakeCollection:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def list_collection_names(self) -> list[str]:
        return list(self.collections)


@dataclass
class FakePublisher:
    """Records what it publishes. Set `fail_with` to make every publish raise it (a broker
    out of reach); publishes that raised are not recorded."""

    published: list[events.Envelope] = field(default_factory=list)
    fail_with: Exception | None = None

    def publish(self, envelope: events.Envelope) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.published.append(envelope)

    def types(self) -> list[str]:
        return [envelope.type for envelope in self.published]


class MissingObject(KeyError):
    """What `FakeObjectStore.get_bytes` raises for a key it does not hold (the real store raises
    minio's S3Error NoSuchKey)."""


@dataclass
class FakeObjectStore:
    """Buckets of bytes. Set `fail_with` to make every call raise it (S3 out of reach)."""

    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    content_types: dict[tuple[str, str], str] = field(default_factory=dict)
    fail_with: Exception | None = None

    def _check(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with

    def put_stream(
        self,
        bucket: str,
        key: str,
        stream: BinaryIO,
        *,
        length: int = -1,
        content_type: str = "application/octet-stream",
    ) -> None:
        self.put_bytes(bucket, key, stream.read(), content_type)

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        self._check()
        self.objects[(bucket, key)] = bytes(data)
        self.content_types[(bucket, key)] = content_type

    def get_bytes(self, bucket: str, key: str) -> bytes:
        self._check()
        if (bucket, key) not in self.objects:
            raise MissingObject(f"{bucket}/{key}")
        return self.objects[(bucket, key)]

    def get_bytes_if_present(self, bucket: str, key: str) -> bytes | None:
        self._check()
        return self.objects.get((bucket, key))

    def stream(self, bucket: str, key: str, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
        data = io.BytesIO(self.get_bytes(bucket, key))
        while chunk := data.read(chunk_size):
            yield chunk

    def stream_if_present(
        self, bucket: str, key: str, chunk_size: int = 256 * 1024
    ) -> Iterator[bytes] | None:
        if self.get_bytes_if_present(bucket, key) is None:
            return None
        return self.stream(bucket, key, chunk_size)

    def size(self, bucket: str, key: str) -> int | None:
        found = self.get_bytes_if_present(bucket, key)
        return None if found is None else len(found)

    def keys(self, bucket: str, prefix: str = "") -> Iterator[str]:
        self._check()
        return iter(sorted(k for b, k in self.objects if b == bucket and k.startswith(prefix)))

    def listing(self, bucket: str, prefix: str = "") -> Iterator[StoredObject]:
        now = datetime.now(UTC)
        for key in list(self.keys(bucket, prefix)):
            yield StoredObject(key, len(self.objects[(bucket, key)]), now)

    def delete(self, bucket: str, key: str) -> None:
        self._check()
        self.objects.pop((bucket, key), None)
        self.content_types.pop((bucket, key), None)

    def delete_prefix(self, bucket: str, prefix: str) -> int:
        found = list(self.keys(bucket, prefix))
        for key in found:
            self.delete(bucket, key)
        return len(found)

    def presigned_get(self, bucket: str, key: str, expires: timedelta) -> str:
        self._check()
        return f"http://fake-s3/{bucket}/{key}?expires={int(expires.total_seconds())}"
