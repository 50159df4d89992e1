"""Where an image's OCR result costs least to write and read: the database writes of one image's
read, as the OCR service makes them, with the result's layout (blocks, lines, words) kept three
ways, in one run on the local servers.

    source scripts/lib.sh && .venv/bin/python -m bench.ocr_writes [--images 150] [--page N]

- `inline`: the layout inside the image's `ocr_results` document, which is written once when
  the attempt starts, again with the result and its event, and twice more when the event is
  flushed (FerretDB 1.x rewrites the whole document on every update).
- `document`: the layout in a document of its own, inserted once; the `ocr_results` document
  keeps the status, the text and the event, so its rewrites are small.
- `s3`: the layout as a JSON object in the images bucket, with the result pointing at it.

The result is a real one: the reader's, on a page rendered by bench/ocr.py. Also timed: the
settle's read (no text, no layout) and the upload detail's read (with the layout). Rounds
interleave the designs; prints medians in ms and each against `inline`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.database import Database

from bench import cluster
from bench.ocr import render_page
from jaryo_shared import database, objectstore
from jaryo_shared.objectstore import ObjectStore
from ocr_service.bootstrap import build_reader
from ocr_service.settings import OcrSettings

LAYOUT = ("blocks", "figures")


def real_result(page: int) -> dict[str, Any]:
    settings = OcrSettings()
    reading = build_reader(settings).read(render_page(page), "eng-printed", clean=True)
    return reading.result.model_dump(mode="json")


def _outbox(now: datetime) -> dict[str, Any]:
    entry = {"id": uuid.uuid4().hex, "envelope": {"type": "jaryo.ocr.completed.v1", "data": {}}}
    return {
        "$push": {"outbox": {"$each": [entry]}},
        "$set": {"outbox_pending": True, "outbox_claimed_until": now + timedelta(seconds=30)},
    }, [entry]


def write(db: Database, store: ObjectStore, bucket: str, result: dict[str, Any], how: str) -> str:
    """One image's writes: the attempt, the outcome with its event, the event's flush."""
    image_id, now = uuid.uuid4().hex, datetime.now(UTC)
    results = db.ocr_results
    results.update_one(
        {"_id": image_id},
        {"$set": {"status": "processing", "started_at": now}, "$inc": {"attempts": 1}},
        upsert=True,
    )
    fields = dict(result)
    if how == "document":
        db.ocr_layouts.insert_one({"_id": image_id, **{k: fields.pop(k) for k in LAYOUT}})
    elif how == "s3":
        layout = json.dumps({k: fields.pop(k) for k in LAYOUT}).encode()
        store.put_bytes(bucket, f"layouts/{image_id}.json", layout, "application/json")
        fields["layout_key"] = f"layouts/{image_id}.json"
    update, owed = _outbox(now)
    update["$set"].update(fields)
    results.update_one({"_id": image_id}, update)
    results.update_one({"_id": image_id}, {"$pullAll": {"outbox": owed}})
    results.find_one({"_id": image_id}, {"outbox": 1, "outbox_pending": 1})
    results.update_one(
        {"_id": image_id}, {"$set": {"outbox_pending": False, "outbox_claimed_until": None}}
    )
    return image_id


def read_for_settle(db: Database, image_id: str) -> None:
    db.ocr_results.find_one({"_id": image_id}, {"text": 0, "blocks": 0, "outbox": 0})


def read_with_layout(db: Database, store: ObjectStore, bucket: str, image_id: str) -> None:
    found = db.ocr_results.find_one({"_id": image_id}, {"outbox": 0}) or {}
    if "layout_key" in found:
        json.loads(store.get_bytes(bucket, found["layout_key"]))
    elif "blocks" not in found:
        db.ocr_layouts.find_one({"_id": image_id})


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return (time.perf_counter() - start) * 1000, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=150, help="images written per design")
    parser.add_argument("--page", type=int, default=0, help="which rendered page to read")
    args = parser.parse_args()
    result = real_result(args.page)
    size = len(json.dumps(result))
    layout = len(json.dumps({k: result[k] for k in LAYOUT}))
    print(
        f"a real result: {size / 1000:.1f} kB of JSON, of which the layout {layout / 1000:.1f} kB"
    )
    settings = cluster.bench_settings(OcrSettings)
    designs = ("inline", "document", "s3")
    ms: dict[str, dict[str, list[float]]] = {
        d: {"write": [], "settle": [], "detail": []} for d in designs
    }
    with cluster.namespace(settings):
        client = database.connect(settings)
        db = database.database(client, settings)
        store = ObjectStore(objectstore.client(settings))
        bucket = settings.bucket_images
        for n in range(args.images + 5):
            for how in designs[n % 3 :] + designs[: n % 3]:  # each design first in turn
                write_ms, image_id = timed(lambda how=how: write(db, store, bucket, result, how))
                settle_ms, _ = timed(lambda i=image_id: read_for_settle(db, i))
                detail_ms, _ = timed(lambda i=image_id: read_with_layout(db, store, bucket, i))
                if n >= 5:  # warm-up
                    for key, value in (
                        ("write", write_ms),
                        ("settle", settle_ms),
                        ("detail", detail_ms),
                    ):
                        ms[how][key].append(value)
        client.close()
    print()
    print("| layout kept | writes per image ms | vs inline | settle read ms | detail read ms |")
    print("|---|---:|---:|---:|---:|")
    base = statistics.median(ms["inline"]["write"])
    for how in designs:
        w = statistics.median(ms[how]["write"])
        s = statistics.median(ms[how]["settle"])
        d = statistics.median(ms[how]["detail"])
        print(f"| {how} | {w:.1f} | {w / base:.2f} | {s:.1f} | {d:.1f} |")
    print()
    print(f"medians over {args.images} images per design, interleaved")


if __name__ == "__main__":
    main()
