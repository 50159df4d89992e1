"""The first half of the journey over the real servers: sign in, upload three images in one
request, see them stored upright with thumbnails under the seed's layout; and nobody else
sees any of it."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image

from jaryo_shared import events, upload_deletions
from jaryo_shared.clock import SystemClock
from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handle_image_received as read_image
from ocr_service.handlers import handlers as ocr_handlers
from ocr_service.settings import OcrSettings
from storage_service.bootstrap import bootstrap
from storage_service.handlers import handle_image_received as store_image
from storage_service.handlers import handlers as storage_handlers
from storage_service.settings import StorageSettings
from tests.helpers import png_bytes, wait_until

pytestmark = pytest.mark.integration
pillow_heif.register_heif_opener()


UPLOAD_RECEIVED = events.UploadReceived.event_type
IMAGE_RECEIVED = events.ImageReceived.event_type


def _jpeg_rotated_90(width: int, height: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera held sideways: rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (width, height), "orange").save(out, "JPEG", exif=exif)
    return out.getvalue()


def _heic(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(out, format="HEIF")
    return out.getvalue()


def _upload_three(client, user):
    files = {
        "image0": (io.BytesIO(png_bytes(400, 300)), "scan.png"),
        "image1": (io.BytesIO(_jpeg_rotated_90(600, 200)), "whiteboard.jpg"),
        "image2": (io.BytesIO(_heic(320, 240)), "IMG_0001.HEIC"),
    }
    return client.post(
        "/v1/uploads",
        data={**files, "image_type": "kor-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )


def _completed(client, user, upload_id):
    body = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()
    return body if body["status"] != "processing" else None


def test_three_images_are_stored_upright_with_thumbnails_under_the_seed_layout(
    client, make_user, workers, store, settings, probe
):
    user = make_user()
    response = _upload_three(client, user)

    assert response.status_code == 202, response.get_json()
    accepted = response.get_json()
    upload_id = accepted["upload_id"]
    assert response.headers["Location"] == f"/v1/uploads/{upload_id}"
    assert accepted["status"] == "processing" and accepted["image_type"] == "kor-printed"
    assert [i["filename"] for i in accepted["images"]] == [
        "scan.png",
        "whiteboard.jpg",
        "IMG_0001.jpg",
    ]

    upload = wait_until(lambda: _completed(client, user, upload_id), timeout=30)
    assert upload["status"] == "completed"
    sizes = [(i["width"], i["height"]) for i in upload["images"]]
    assert sizes == [(400, 300), (200, 600), (320, 240)]  # the JPEG stands upright
    for image in upload["images"]:
        assert image["status"] == "done" and len(image["sha256"]) == 64
        assert image["storage"]["status"] == "stored" and image["ocr"]["status"] == "done"
        original = client.get(image["links"]["original"], headers=user.auth)
        assert original.status_code == 200
        assert Image.open(io.BytesIO(original.data)).size == (image["width"], image["height"])
        thumbnail = client.get(image["links"]["thumbnail"], headers=user.auth)
        assert thumbnail.mimetype == "image/webp"
        assert max(Image.open(io.BytesIO(thumbnail.data)).size) <= 512

    prefix = f"{user.user_id}/upload{upload_id}/"
    keys = sorted(store.keys(settings.bucket_images, prefix))
    assert [k for k in keys if "/images/" in k] == sorted(
        prefix + "images/" + name for name in ("scan.png", "whiteboard.jpg", "IMG_0001.jpg")
    )
    assert len([k for k in keys if "/thumbnails/" in k]) == 3

    seen = [e.type for e, _ in probe.until("jaryo.upload.completed.v1", upload_id=upload_id)]
    assert seen.count("jaryo.upload.received.v1") == 1
    assert seen.count("jaryo.image.stored.v1") == 3
    assert seen.count("jaryo.ocr.completed.v1") == 3
    assert seen.count("jaryo.upload.completed.v1") == 1

    listed = client.get("/v1/uploads", headers=user.auth).get_json()
    assert [u["upload_id"] for u in listed["items"]] == [upload_id]


def test_second_user_gets_404_on_every_url_of_the_first_users_upload(client, make_user, workers):
    owner, other = make_user(), make_user()
    upload_id = _upload_three(client, owner).get_json()["upload_id"]
    upload = wait_until(lambda: _completed(client, owner, upload_id), timeout=30)
    urls = [f"/v1/uploads/{upload_id}"]
    for image in upload["images"]:
        urls += [image["links"]["original"], image["links"]["thumbnail"]]

    for url in urls:
        assert client.get(url, headers=owner.auth).status_code == 200, url
        response = client.get(url, headers=other.auth)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"
    assert client.delete(f"/v1/uploads/{upload_id}", headers=other.auth).status_code == 404
    assert client.get("/v1/uploads", headers=other.auth).get_json()["items"] == []
    assert client.get(urls[0], headers=owner.auth).status_code == 200


def test_deleted_upload_is_gone_from_the_api_at_once(client, make_user, storage_worker):
    user = make_user()
    upload_id = _upload_three(client, user).get_json()["upload_id"]
    assert client.delete(f"/v1/uploads/{upload_id}", headers=user.auth).status_code == 204
    assert client.get(f"/v1/uploads/{upload_id}", headers=user.auth).status_code == 404
    assert client.delete(f"/v1/uploads/{upload_id}", headers=user.auth).status_code == 404
    assert client.get("/v1/uploads", headers=user.auth).get_json()["items"] == []


def test_a_deletion_lost_to_a_racing_write_comes_back_when_the_upload_settles(
    client, make_user, db, settings, ocr_settings, run_worker, purge_queues
):
    """On FerretDB, the DELETE's write to the upload and the settle's write at the same moment
    can lose one. Here the loss is staged: the deletion is recorded as DELETE records it first,
    but the upload's `deleted_at` never lands; the settle must restore it."""
    purge_queues()
    user = make_user()
    upload_id = _upload_three(client, user).get_json()["upload_id"]
    # After the announcer's writes, which restore a deletion too (they may race DELETE as well).
    wait_until(lambda: db.uploads.find_one({"_id": upload_id})["outbox_pending"] is False)
    upload_deletions.record(db, upload_id, user.user_id, SystemClock().now())
    assert db.uploads.find_one({"_id": upload_id})["deleted_at"] is None  # the lost write

    storage = bootstrap(StorageSettings(**settings.model_dump()))
    run_worker("storage", storage_handlers(storage))
    run_worker("ocr", ocr_handlers(ocr_bootstrap(ocr_settings)))
    settled = wait_until(  # the settle writes the upload, then restores the deletion
        lambda: (u := db.uploads.find_one({"_id": upload_id}))["deleted_at"] and u, timeout=60
    )

    assert settled["status"] == "completed"
    assert settled["deleted_at"] == db.upload_deletions.find_one({"_id": upload_id})["deleted_at"]
    assert client.get(f"/v1/uploads/{upload_id}", headers=user.auth).status_code == 404
    assert client.get("/v1/uploads", headers=user.auth).get_json()["items"] == []


def test_uploads_are_listed_newest_first_a_page_at_a_time(client, make_user):
    user = make_user()
    created = []
    for n in range(5):
        data = {"images": (io.BytesIO(png_bytes(10 + n, 10)), f"p{n}.png")}
        response = client.post(
            "/v1/uploads", data=data, headers=user.auth, content_type="multipart/form-data"
        )
        created.append(response.get_json()["upload_id"])
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get("/v1/uploads" + query, headers=user.auth).get_json()
        seen += [u["upload_id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(created))
    bad = client.get("/v1/uploads?cursor=garbage!", headers=user.auth)
    assert bad.status_code == 422


def test_redelivered_image_messages_change_nothing_twice(
    client, make_user, settings, db, store, probe
):
    user = make_user()
    response = _upload_three(client, user)
    upload_id = response.get_json()["upload_id"]
    received = [
        (e, p)
        for e, p in probe.until(IMAGE_RECEIVED, upload_id=upload_id)
        if e.type == IMAGE_RECEIVED
    ]
    assert [p.image.image_id for _, p in received] == [
        i["_id"] for i in sorted(db.images.find({"upload_id": upload_id}), key=lambda i: i["index"])
    ]
    storage = bootstrap(StorageSettings(**settings.model_dump()))
    ocr = ocr_bootstrap(OcrSettings(**settings.model_dump()))

    def outcomes():
        images = {i["_id"]: i["storage"] for i in db.images.find({"upload_id": upload_id})}
        results = db.ocr_results.find({"upload_id": upload_id}, {"outbox": 0})
        return {r["_id"]: (images[r["_id"]], r) for r in results}

    def deliver_all():
        for envelope, payload in received:
            store_image(storage, envelope, payload)
            read_image(ocr, envelope, payload)

    deliver_all()
    first = outcomes()
    deliver_all()  # the broker delivers them again
    second = outcomes()

    assert second == first
    assert all(s["status"] == "stored" and o["status"] == "done" for s, o in first.values())
    seen = [e.type for e, _ in probe.until("jaryo.upload.completed.v1", upload_id=upload_id)]
    assert seen.count("jaryo.image.stored.v1") == 3
    assert seen.count("jaryo.ocr.completed.v1") == 3
    assert seen.count("jaryo.upload.completed.v1") == 1


def test_correlation_id_of_the_request_follows_into_every_event_it_causes(
    client, make_user, workers, probe
):
    user = make_user()
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes()), "page.png")},
        headers={**user.auth, "X-Correlation-ID": "req-4711"},
        content_type="multipart/form-data",
    )
    assert response.headers["X-Correlation-ID"] == "req-4711"
    upload_id = response.get_json()["upload_id"]
    caused = [
        (e.type, e.correlationid)
        for e, p in probe.until("jaryo.upload.completed.v1")
        if p.upload_id == upload_id
    ]
    # The gateway's two events in order; storage and OCR run in parallel: theirs in any order.
    assert caused[:2] == [
        ("jaryo.upload.received.v1", "req-4711"),
        ("jaryo.image.received.v1", "req-4711"),
    ]
    assert sorted(caused[2:-1]) == [
        ("jaryo.image.stored.v1", "req-4711"),
        ("jaryo.ocr.completed.v1", "req-4711"),
    ]
    assert caused[-1] == ("jaryo.upload.completed.v1", "req-4711")
    unsafe = client.get("/healthz", headers={"X-Correlation-ID": "bad id <script>"})
    assert unsafe.headers["X-Correlation-ID"] != "bad id <script>"
