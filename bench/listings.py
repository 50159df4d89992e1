"""Listings at scale: the first and a later page of `GET /v1/uploads` and `GET /v1/decks` with
50,000 uploads and 50,000 decks of 1,000 people in the local FerretDB, and what FerretDB answers
from an index and what it scans (docs/listings.md).

    source scripts/lib.sh && .venv/bin/python -m bench.listings [--requests 200]

Seeds a bench namespace (bench/cluster.py) with documents shaped as the gateway writes them,
lists the uploads and decks as provision does (the `backfill` of upload_listings and
deck_listings), asks the real Flask app (in this process, real JWTs) for pages as random
people, and prints p50/p95 per listing. Uploads: through their listing partitions and, in the
same app, through the query on `uploads` they had before (the baseline; fewer requests, each
takes seconds). Decks: the query on `decks` they had before, then the listing partitions
before any build is marked settled (right after provision: each deck on the page is looked
up, and marked), then once every build is marked (as the listings mark them when they first
see them settled: the steady state). Then it times single queries:
`_id` lookups that find a document early or late in a collection or none, an `_id` range, a
filter on an indexed field, and the outbox relay's claim.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from pymongo.database import Database

from bench import cluster
from gateway import paging
from gateway.app import create_app
from gateway.bootstrap import bootstrap
from gateway.decks import service as decks_service
from gateway.settings import GatewaySettings
from gateway.uploads import service as uploads_service
from jaryo_shared import deck_listings, events, listings, outbox, upload_listings
from jaryo_shared.keys import upload_prefix
from jaryo_shared.read_models import deck_builds
from jaryo_shared.read_models.deck_builds import DeckBuild

PEOPLE = 1_000
BATCH = 1_000
START = datetime(2026, 1, 1, tzinfo=UTC)


def seed(db: Database, uploads: int, decks: int) -> list[str]:
    """`uploads` uploads and `decks` decks (with their builds) spread over PEOPLE people, oldest
    first; returns the people's ids."""
    people = [uuid.uuid4().hex for _ in range(PEOPLE)]
    for kind, count, make in (("uploads", uploads, upload), ("decks", decks, deck)):
        for first in range(0, count, BATCH):
            batch = [make(people[n % PEOPLE], n) for n in range(first, min(count, first + BATCH))]
            db[kind].insert_many(batch, ordered=False)
            if kind == "decks":
                db.deck_builds.insert_many([build(d) for d in batch], ordered=False)
    return people


def upload(user_id: str, n: int) -> dict[str, Any]:
    """As gateway.uploads.receive writes it, after its upload.received was sent and settled."""
    upload_id = uuid.uuid4().hex
    created = START + timedelta(seconds=n)
    received = events.UploadReceived(
        upload_id=upload_id,
        user_id=user_id,
        image_type="mixed-printed",
        images=[
            events.ReceivedImage(
                image_id=uuid.uuid4().hex,
                image_name=f"page{i}.jpg",
                staging_key=f"{upload_prefix(user_id, upload_id)}/page{i}.jpg",
                size=250_000,
            )
            for i in range(3)
        ],
    )
    pending = outbox.pending(events.wrap(received, source="jaryo/gateway"), now=created)
    return {
        "_id": upload_id,
        "user_id": user_id,
        "upload_path": upload_prefix(user_id, upload_id),
        "created_at": created,
        "status": "completed",
        "image_type": "mixed-printed",
        "image_count": 3,
        "bytes": 750_000,
        "deleted_at": None,
        **pending,
        # flushed: nothing owed any more
        "outbox": [],
        "outbox_pending": False,
        "outbox_claimed_until": None,
        "completed_at": created + timedelta(seconds=4),
    }


def deck(user_id: str, n: int) -> dict[str, Any]:
    """As gateway.decks.recording writes it (a 3-slide spec), its deck.requested sent."""
    slides = [
        {"layout": "title-and-body", "elements": [{"type": "text", "text": f"slide {i} " * 20}]}
        for i in range(3)
    ]
    return {
        "_id": uuid.uuid4().hex,
        "user_id": user_id,
        "title": f"deck {n}",
        "template_id": "clean",
        "spec": {"title": f"deck {n}", "template_id": "clean", "slides": slides},
        "slide_count": 3,
        "status": "queued",
        "created_at": START + timedelta(seconds=n),
        "deleted_at": None,
        "outbox": [],
        "outbox_pending": False,
        "outbox_claimed_until": None,
    }


def build(deck_document: dict[str, Any]) -> dict[str, Any]:
    """The deck service's record of a finished build (deck_service.records)."""
    return {
        "_id": deck_document["_id"],
        "user_id": deck_document["user_id"],
        "status": "completed",
        "revision": 1,
        "attempts": 1,
        "started_at": deck_document["created_at"],
        "completed_at": deck_document["created_at"] + timedelta(seconds=2),
        "file_path": f"{deck_document['user_id']}/{deck_document['_id']}/1.pptx",
        "file_size": 40_000,
        "slide_count": 3,
        "preview_count": 3,
        "built_revision": 1,
        "outbox": [],
        "outbox_pending": False,
        "outbox_claimed_until": None,
    }


def pages(
    client: Any, tokens: dict[str, str], route: str, requests: int, seed: int = 7
) -> dict[str, list[float]]:
    """Seconds per first page and per second page (the first page's cursor), random people.
    An answer other than 200 (a 503 when the database takes longer than the gateway's socket
    timeout) is counted under "failed" with its time."""
    found: dict[str, list[float]] = {"first": [], "later": [], "failed": []}
    chooser = random.Random(seed)
    for _ in range(requests):
        auth = {"Authorization": f"Bearer {tokens[chooser.choice(list(tokens))]}"}
        cursor = _page(client, route, {}, auth, found, "first")
        if cursor:
            _page(client, route, {"cursor": cursor}, auth, found, "later")
    return found


def _page(
    client: Any,
    route: str,
    query: dict[str, str],
    auth: dict[str, str],
    found: dict[str, list[float]],
    which: str,
) -> str | None:
    began = time.perf_counter()
    response = client.get(route, query_string=query, headers=auth)
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        found["failed"].append(elapsed)
        return None
    found[which].append(elapsed)
    return response.get_json()["next_cursor"]


def todays_uploads_query(
    db: Database, user_id: str, page_request: paging.PageRequest
) -> list[dict[str, Any]]:
    """gateway.uploads.service.newest_first before listings: a query on `uploads`."""
    query: dict[str, Any] = {"user_id": user_id, "deleted_at": None, **page_request.filter()}
    return list(db.uploads.find(query).sort(paging.NEWEST_FIRST).limit(page_request.limit + 1))


def todays_decks_query(
    db: Database, user_id: str, page_request: paging.PageRequest
) -> list[dict[str, Any]]:
    """gateway.decks.service.newest_first and with_builds before listings: a query on `decks`,
    then each deck's build and latest revision."""
    query: dict[str, Any] = {"user_id": user_id, "deleted_at": None, **page_request.filter()}
    shown = {"spec": 0, "outbox": 0}
    found = list(
        db.decks.find(query, shown).sort(paging.NEWEST_FIRST).limit(page_request.limit + 1)
    )
    builds = deck_builds.of_decks(db, [deck["_id"] for deck in found])
    return [decks_service._at_latest(db, d, builds.get(d["_id"]), shown) for d in found]


def mark_every_build(db: Database) -> None:
    """What the listings insert once they have seen each deck's revision 1 settled."""
    owed: dict[str, list[dict[str, Any]]] = {}
    for found in db.deck_builds.find({}, deck_builds.LEFT_OUT):
        shown = decks_service.build_state(DeckBuild.model_validate(found), 1)
        name = deck_listings.collection_name(found["user_id"])
        owed.setdefault(name, []).append(
            deck_listings.settled_mark(found["user_id"], found["_id"], 1, shown)
        )
    for name, marks in owed.items():
        listings.insert_all_new(db[name], marks)


def measure(
    client: Any, tokens: dict[str, str], args: argparse.Namespace, db: Database
) -> dict[str, dict[str, list[float]]]:
    """Both listings as the gateway answers them, and each with the query it had before put
    back in the same app (the baselines)."""
    with mock.patch.object(uploads_service, "newest_first", todays_uploads_query):
        uploads_baseline = pages(client, tokens, "/v1/uploads", args.baseline_requests)
    with mock.patch.object(decks_service, "newest_first", todays_decks_query):
        decks_baseline = pages(client, tokens, "/v1/decks", args.baseline_requests)
    unmarked = pages(client, tokens, "/v1/decks", args.unmarked_requests, seed=13)
    mark_every_build(db)
    return {
        "GET /v1/uploads, the query on `uploads` before listings": uploads_baseline,
        "GET /v1/uploads, listing partitions": pages(client, tokens, "/v1/uploads", args.requests),
        "GET /v1/decks, the query on `decks` before listings": decks_baseline,
        "GET /v1/decks, listing partitions, no build marked yet": unmarked,
        "GET /v1/decks, listing partitions, builds marked": pages(
            client, tokens, "/v1/decks", args.requests
        ),
    }


def timed(query: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        query()
        samples.append(time.perf_counter() - began)
    return samples


def single_queries(db: Database, people: list[str], rounds: int) -> dict[str, list[float]]:
    """One query each, as the code (or a proposed design) would send it."""
    ids = [d["_id"] for d in db.uploads.find({}, {"_id": 1})]  # in insertion order
    chooser = random.Random(11)
    now = datetime.now(UTC)
    return {
        "uploads by _id, the first inserted": timed(
            lambda: db.uploads.find_one({"_id": ids[0]}), rounds
        ),
        "uploads by _id, a random one": timed(
            lambda: db.uploads.find_one({"_id": chooser.choice(ids)}), rounds
        ),
        "uploads by _id, the last inserted": timed(
            lambda: db.uploads.find_one({"_id": ids[-1]}), rounds
        ),
        "uploads by _id, none such (a miss)": timed(
            lambda: db.uploads.find_one({"_id": uuid.uuid4().hex}), rounds
        ),
        "uploads by _id range ($gte/$lt), 21": timed(
            lambda: list(db.uploads.find({"_id": {"$gte": "8", "$lt": "9"}}).limit(21)), rounds
        ),
        "uploads by user_id (has an index)": timed(
            lambda: list(db.uploads.find({"user_id": chooser.choice(people)}).limit(21)), rounds
        ),
        # The relay's own query (outbox._claim), as each process sends it every 5 s.
        "outbox relay claim on uploads (none owed)": timed(
            lambda: outbox._claim(db.uploads, now, now + timedelta(seconds=30)), rounds
        ),
        "outbox relay claim on decks (none owed)": timed(
            lambda: outbox._claim(db.decks, now, now + timedelta(seconds=30)), rounds
        ),
    }


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def row(what: str, samples: list[float]) -> str:
    if not samples:
        return f"| {what} | – | – | 0 |"
    p50, p95 = statistics.median(samples) * 1000, percentile(samples, 0.95) * 1000
    return f"| {what} | {p50:.1f} | {p95:.1f} | {len(samples)} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=50_000)
    parser.add_argument("--decks", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200, help="pages asked per listing")
    parser.add_argument(
        "--baseline-requests", type=int, default=10, help="pages asked of today's queries"
    )
    parser.add_argument(
        "--unmarked-requests", type=int, default=2, help="deck pages asked before marking"
    )
    parser.add_argument("--rounds", type=int, default=20, help="runs of each single query")
    args = parser.parse_args()
    settings = cluster.bench_settings(GatewaySettings)
    began = time.perf_counter()
    with cluster.namespace(settings):
        deps = bootstrap(settings)
        db = deps.db
        people = seed(db, args.uploads, args.decks)
        seeded = time.perf_counter() - began
        backfill = time.perf_counter()
        upload_listings.backfill(db)  # as provision lists what was recorded before listings
        deck_listings.backfill(db)
        backfilled = time.perf_counter() - backfill
        app = create_app(settings, deps, run_relay=False)
        client = app.test_client()
        now = deps.clock.now()
        tokens = {
            person: deps.tokens.issue(person, "access", now, timedelta(hours=2))[0]
            for person in people
        }
        results = measure(client, tokens, args, db)
        singles = single_queries(db, people, args.rounds)
        db.client.close()
    report(args, results, singles, (seeded, backfilled), began)


def report(
    args: argparse.Namespace,
    results: dict[str, dict[str, list[float]]],
    singles: dict[str, list[float]],
    setup: tuple[float, float],
    began: float,
) -> None:
    print(
        f"\n{args.uploads} uploads and {args.decks} decks of {PEOPLE} people (seeded in "
        f"{setup[0]:.0f} s, listed by the backfill in {setup[1]:.0f} s); milliseconds\n"
    )
    print("| request | p50 | p95 | n |")
    print("|---|---:|---:|---:|")
    for what, samples in results.items():
        print(row(f"{what}, first page", samples["first"]))
        print(row(f"{what}, second page (cursor)", samples["later"]))
        if samples["failed"]:
            print(row(f"{what}, answered other than 200", samples["failed"]))
    print("\n| single query | p50 | p95 | n |")
    print("|---|---:|---:|---:|")
    for what, samples in singles.items():
        print(row(what, samples))
    print(f"\nwhole run: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
