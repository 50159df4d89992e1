"""A janitor over the in-memory fakes: its `Dependencies` built as `janitor.bootstrap` builds the
real ones, plus the few fake behaviours the policies need that `tests/unit/fakes.py` lacks
(objects of a given age, an S3 that fails part-way, lifecycle rules)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from janitor.settings import JanitorSettings
from jaryo_shared.clock import FixedClock
from jaryo_shared.keys import deck_prefix, upload_prefix
from jaryo_shared.objectstore import StoredObject
from tests.unit.fakes import FakeDatabase, FakeObjectStore, FakePublisher

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
USER = "alice"


class BrokerDown(ConnectionError):
    """RabbitMQ out of reach."""


class S3Down(ConnectionError):
    """SeaweedFS out of reach."""


@dataclass
class AgedObjectStore(FakeObjectStore):
    """Objects written at a given time (`put`); `deletes_left` makes deletes fail once that many
    have succeeded (S3 lost mid-purge)."""

    written: dict[tuple[str, str], datetime] = field(default_factory=dict)
    deletes_left: int | None = None
    rules: dict[str, tuple[int, str]] = field(default_factory=dict)
    no_lifecycle: Exception | None = None

    def put(self, bucket: str, key: str, size: int = 10, at: datetime = START) -> None:
        self.put_bytes(bucket, key, b"x" * size)
        self.written[(bucket, key)] = at

    def listing(self, bucket: str, prefix: str = "") -> Iterator[StoredObject]:
        for key in list(self.keys(bucket, prefix)):
            at = self.written.get((bucket, key), START)
            yield StoredObject(key, len(self.objects[(bucket, key)]), at)

    def delete(self, bucket: str, key: str) -> None:
        if self.deletes_left is not None:
            if self.deletes_left == 0:
                raise S3Down(f"lost S3 deleting {bucket}/{key}")
            self.deletes_left -= 1
        super().delete(bucket, key)

    def expire_after_days(self, bucket: str, days: int, rule_id: str) -> None:
        if self.no_lifecycle is not None:
            raise self.no_lifecycle
        self.rules[bucket] = (days, rule_id)


@dataclass
class World:
    """What the janitor acts on, and a way to build a janitor at any time over it."""

    db: FakeDatabase = field(default_factory=FakeDatabase)
    store: AgedObjectStore = field(default_factory=AgedObjectStore)
    publisher: FakePublisher = field(default_factory=FakePublisher)
    settings: JanitorSettings = field(default_factory=lambda: JanitorSettings(lease_wait_seconds=0))

    def janitor(self, at: datetime, **settings: Any) -> Dependencies:
        return Dependencies(
            settings=self.settings.model_copy(update=settings),
            db=self.db,  # type: ignore[arg-type]
            store=self.store,  # type: ignore[arg-type]
            publisher=self.publisher,  # type: ignore[arg-type]
            clock=FixedClock(at),
        )

    def upload(self, upload_id: str, images: int = 1, **fields: Any) -> list[str]:
        """A finished upload created at START with its images, their texts, its completion
        record, and an original and a staged file per image; returns every object's key."""
        self.db.uploads.insert_one(
            {
                "_id": upload_id,
                "user_id": USER,
                "status": "completed",
                "created_at": START,
                "deleted_at": None,
                **fields,
            }
        )
        self.db.upload_completions.insert_one({"_id": upload_id, "status": "completed"})
        prefix = upload_prefix(USER, upload_id)
        for index in range(images):
            image_id = f"{upload_id}-i{index}"
            self.db.images.insert_one({"_id": image_id, "upload_id": upload_id, "index": index})
            self.db.ocr_results.insert_one({"_id": image_id, "status": "done", "text": "t"})
            self.store.put(self.settings.bucket_staging, f"{prefix}{index}.png")
            self.store.put(self.settings.bucket_images, f"{prefix}{index}/original.png")
        return sorted(self.upload_objects(upload_id))

    def upload_objects(self, upload_id: str) -> list[tuple[str, str]]:
        prefix = upload_prefix(USER, upload_id)
        return [(b, k) for b, k in self.store.objects if k.startswith(prefix)]

    def deck(self, deck_id: str, built: str | None = "completed", **fields: Any) -> None:
        """A deck asked for at START with its file in the decks bucket and, unless `built` is
        None, its build document with that status."""
        self.db.decks.insert_one(
            {"_id": deck_id, "user_id": USER, "created_at": START, "deleted_at": None, **fields}
        )
        if built is not None:
            self.db.deck_builds.insert_one({"_id": deck_id, "status": built})
        key = f"{deck_prefix(USER, deck_id)}deck.pptx"
        self.store.put(self.settings.bucket_decks, key, size=100)

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return [e.data for e in self.publisher.published if e.type == event_type]


def run_policy(policy: Any, deps: Dependencies) -> list[Planned]:
    """Plan, then purge each planned item, as a real run does (without the lease)."""
    planned: list[Planned] = policy.plan(deps)
    for item in planned:
        policy.purge(deps, item)
    return planned


DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
