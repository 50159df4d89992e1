"""POST /v1/uploads refusing what it must, over the real servers: every refused request gets its
4xx problem (naming the file where there is one) and leaves no document, staged object or event
behind. Also: hostile file names are stored under safe keys, an undecodable image is rejected by
the storage worker without reaching the images bucket, and an Idempotency-Key retry creates one
upload only."""

from __future__ import annotations

import io
import json
import os
import struct
import time
import uuid
import zlib
from typing import Any

import pytest
from PIL import Image

from jaryo_shared import events
from tests.helpers import png_bytes, wait_until
from tests.tokens import b64url as _b64url
from tests.tokens import claims as _claims
from tests.tokens import sign as _sign

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


# Building requests


def _file(data: bytes, name: str, content_type: str = "image/png") -> tuple[Any, str, str]:
    return (io.BytesIO(data), name, content_type)


def _post(client, headers: dict[str, str], files: dict[str, Any], **form: str):
    return client.post(
        "/v1/uploads", data={**files, **form}, headers=headers, content_type="multipart/form-data"
    )


def _png_header(width: int, height: int) -> bytes:
    """A well-formed PNG that claims width x height; Pillow reads only this far when sniffing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def _jpeg_bytes(width: int = 320, height: int = 240) -> bytes:
    """A JPEG of noise, so that its entropy-coded data is most of the file."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(
        out, "JPEG", quality=90
    )
    return out.getvalue()


# Tokens (built by hand)


def _no_token(gateway_settings, user_id: str) -> dict[str, str]:
    return {}


def _expired(gateway_settings, user_id: str) -> dict[str, str]:
    now = int(time.time())
    claims = _claims(gateway_settings, user_id, iat=now - 3600, exp=now - 60)
    return {
        "Authorization": f"Bearer {_sign(claims, gateway_settings.jwt_secret.get_secret_value())}"
    }


def _other_key(gateway_settings, user_id: str) -> dict[str, str]:
    token = _sign(_claims(gateway_settings, user_id), "another-signing-key-" + "x" * 32)
    return {"Authorization": f"Bearer {token}"}


def _alg_none(gateway_settings, user_id: str) -> dict[str, str]:
    header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(_claims(gateway_settings, user_id)).encode())
    return {"Authorization": f"Bearer {header}.{payload}."}


def _hand_built_valid(gateway_settings, user_id: str) -> dict[str, str]:
    token = _sign(
        _claims(gateway_settings, user_id), gateway_settings.jwt_secret.get_secret_value()
    )
    return {"Authorization": f"Bearer {token}"}


# What a refused request must not leave


def _assert_nothing_left_behind(db, store, settings, probe, user_id: str) -> None:
    assert db.uploads.count_documents({"user_id": user_id}) == 0
    assert db.images.count_documents({"user_id": user_id}) == 0
    assert list(store.keys(settings.bucket_staging, prefix=f"{user_id}/")) == []
    assert probe.drain() == []


def _assert_problem(response, status: int, filename: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["code"] == body["type"].rsplit("/", 1)[-1]  # each refusal's code is its type's
    if filename is not None:
        assert body["filename"] == filename
        assert filename in body["detail"]
    return body


# The control: what an accepted upload does leave, so the checks above can fail


def test_accepted_upload_leaves_documents_staged_objects_and_an_event(
    client, make_user, db, store, settings, probe
):
    user = make_user()
    files = {"image0": _file(png_bytes(), "a.png"), "image1": _file(_jpeg_bytes(), "b.jpg")}
    response = _post(client, user.auth, files)
    assert response.status_code == 202
    upload_id = response.get_json()["upload_id"]

    assert db.uploads.count_documents({"user_id": user.user_id}) == 1
    assert db.images.count_documents({"user_id": user.user_id}) == 2
    assert len(list(store.keys(settings.bucket_staging, prefix=f"{user.user_id}/"))) == 2
    seen = wait_until(probe.drain)
    assert [(e.type, e.subject) for e, _ in seen] == [
        (events.UploadReceived.event_type, upload_id),
        (events.ImageReceived.event_type, upload_id),
        (events.ImageReceived.event_type, upload_id),
    ]
    assert [p.image.image_name for e, p in seen[1:]] == ["a.png", "b.jpg"]


def test_hand_built_valid_token_is_accepted_for_upload(client, make_user, gateway_settings):
    """The control for the token refusals below."""
    user = make_user()
    headers = _hand_built_valid(gateway_settings, user.user_id)
    response = _post(client, headers, {"image0": _file(png_bytes(), "a.png")})
    assert response.status_code == 202


# Refused files, each beside a good one that must not be staged either


def _text_as_png() -> tuple[bytes, str]:
    return b"this is plain text, not a picture\n" * 20, "x.png"


def _empty() -> tuple[bytes, str]:
    return b"", "empty.png"


def _bomb_header() -> tuple[bytes, str]:
    return _png_header(20000, 20000), "huge-canvas.png"


def _over_pixel_limit() -> tuple[bytes, str]:
    return _png_header(9000, 9000), "eighty-one-megapixels.png"


def _over_byte_limit() -> tuple[bytes, str]:
    # A valid PNG padded past 20 MB: only the size can refuse it.
    return png_bytes() + b"\x00" * (20 * 1000 * 1000), "too-big.png"


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (_text_as_png, 415),
        (_empty, 422),
        (_bomb_header, 422),
        (_over_pixel_limit, 422),
        (_over_byte_limit, 413),
    ],
    ids=["text-named-png", "zero-bytes", "20000x20000", "9000x9000", "over-20mb"],
)
def test_refused_file_gets_its_4xx_naming_it_and_leaves_nothing_behind(
    client, make_user, db, store, settings, probe, make, status
):
    user = make_user()
    data, name = make()
    files = {"image0": _file(png_bytes(), "good.png"), "image1": _file(data, name)}
    response = _post(client, user.auth, files)
    _assert_problem(response, status, filename=name)
    _assert_nothing_left_behind(db, store, settings, probe, user.user_id)


def test_refused_file_sent_as_repeated_images_field_is_named_too(
    client, make_user, db, store, settings, probe
):
    user = make_user()
    data, name = _text_as_png()
    files = {"images": [_file(png_bytes(), "good.png"), _file(data, name)]}
    response = _post(client, user.auth, files)
    _assert_problem(response, 415, filename=name)
    _assert_nothing_left_behind(db, store, settings, probe, user.user_id)


def test_twenty_one_files_are_refused_with_422(
    client, make_user, db, store, settings, probe, gateway_settings
):
    user = make_user()
    count = gateway_settings.max_images_per_upload + 1
    assert count == 21
    files = {f"image{i}": _file(png_bytes(), f"page{i}.png") for i in range(count)}
    response = _post(client, user.auth, files)
    body = _assert_problem(response, 422)
    assert "21" in body["detail"]
    _assert_nothing_left_behind(db, store, settings, probe, user.user_id)


def test_request_over_100_mb_is_refused_with_413(
    client, make_user, db, store, settings, probe, gateway_settings
):
    """Six files, each under the per-file limit, together over the request limit."""
    user = make_user()
    per_file = 17 * 1000 * 1000
    assert per_file < gateway_settings.max_image_bytes
    assert 6 * per_file > gateway_settings.max_request_bytes == 100 * 1000 * 1000
    padded = png_bytes() + b"\x00" * (per_file - len(png_bytes()))
    files = {f"image{i}": _file(padded, f"part{i}.png") for i in range(6)}
    response = _post(client, user.auth, files)
    body = _assert_problem(response, 413)
    assert body["type"].endswith("/request-entity-too-large")  # the request's limit, no file's
    assert "filename" not in body
    _assert_nothing_left_behind(db, store, settings, probe, user.user_id)


def test_unknown_image_type_is_refused_with_422(client, make_user, db, store, settings, probe):
    user = make_user()
    files = {"image0": _file(png_bytes(), "good.png")}
    response = _post(client, user.auth, files, image_type="watercolour")
    body = _assert_problem(response, 422)
    assert body["pointer"] == "/image_type"
    _assert_nothing_left_behind(db, store, settings, probe, user.user_id)


@pytest.mark.parametrize("field", ["image1", "images"])
def test_image_sent_as_plain_text_field_is_refused_not_silently_dropped(
    client, make_user, db, store, settings, probe, field
):
    """curl's `-F image1=<page.png` sends the bytes without a filename: a text field, not a
    file. Storing the other image would lose this one without a word."""
    user = make_user()
    files = {"image0": _file(png_bytes(), "good.png")}
    response = _post(client, user.auth, files, **{field: "0.0"})
    body = _assert_problem(response, 422)
    assert body["pointer"] == f"/{field}"
    assert "not a file" in body["detail"]
    _assert_nothing_left_behind(db, store, settings, probe, user.user_id)


@pytest.mark.parametrize(
    "credentials",
    [_no_token, _expired, _other_key, _alg_none],
    ids=["no-token", "expired", "signed-with-another-key", "alg-none"],
)
def test_upload_without_a_valid_token_is_401_and_leaves_nothing_behind(
    client, make_user, db, store, settings, probe, gateway_settings, credentials
):
    user = make_user()
    headers = credentials(gateway_settings, user.user_id)
    response = _post(client, headers, {"image0": _file(png_bytes(), "good.png")})
    _assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    _assert_nothing_left_behind(db, store, settings, probe, user.user_id)


# Hostile names, undecodable images, retries


@pytest.mark.parametrize(
    ("filename", "stored_as"),
    [
        ("../../etc/passwd", "passwd.png"),
        ("..\\..\\windows\\win.ini", "win.png"),
        ("/absolute/../../page.png", "page.png"),
        ("..", "image.png"),
    ],
    ids=["dot-dot-slash", "dot-dot-backslash", "absolute", "only-dots"],
)
def test_path_traversal_filename_is_accepted_under_a_safe_key(
    client, make_user, db, store, settings, filename, stored_as
):
    user = make_user()
    # Werkzeug's test client writes the name into the quoted Content-Disposition parameter
    # as is, and the parser reads backslashes as quoted-pair escapes: double them so that the
    # server receives the backslashes themselves.
    on_the_wire = filename.replace("\\", "\\\\")
    response = _post(client, user.auth, {"image0": _file(png_bytes(), on_the_wire)})
    assert response.status_code == 202
    body = response.get_json()
    upload_id = body["upload_id"]
    [image] = body["images"]
    assert image["filename"] == stored_as
    assert ".." not in image["filename"] and "/" not in image["filename"]
    # The hostile name really reached the server (it is kept, as data, for display).
    assert db.images.find_one({"_id": image["image_id"]})["filename"] == filename

    expected_prefix = f"{user.user_id}/upload{upload_id}/images/"
    keys = list(store.keys(settings.bucket_staging, prefix=f"{user.user_id}/"))
    assert keys == [expected_prefix + stored_as]
    assert all(".." not in key and "\\" not in key for key in keys)


def test_truncated_jpeg_is_rejected_by_storage_and_never_reaches_the_images_bucket(
    client, make_user, store, settings, workers
):
    user = make_user()
    whole = _jpeg_bytes()
    files = {
        "image0": _file(png_bytes(), "good.png"),
        "image1": _file(whole[: len(whole) // 2], "truncated.jpg", "image/jpeg"),
    }
    response = _post(client, user.auth, files)
    assert response.status_code == 202
    upload_id = response.get_json()["upload_id"]

    def settled():
        detail = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()
        return detail if detail["status"] != "processing" else None

    detail = wait_until(settled, timeout=30)
    assert detail["status"] == "partial"
    good, bad = detail["images"]
    assert good["status"] == "done"
    assert bad["status"] == "failed" and bad["storage"]["status"] == "rejected"
    assert bad["reason"].startswith("the image could not be decoded")
    assert bad["code"] == "image-damaged"
    failure = {"image_id": bad["image_id"], "reason": bad["reason"], "code": "image-damaged"}
    assert detail["failures"] == [failure]
    assert "links" not in bad

    prefix = f"{user.user_id}/upload{upload_id}/"
    kept = list(store.keys(settings.bucket_images, prefix=prefix))
    assert f"{prefix}images/{good['filename']}" in kept  # the worker did write the good one
    assert not any(key.endswith(bad["filename"]) or bad["image_id"] in key for key in kept)


def test_idempotency_key_retried_returns_the_same_upload_and_creates_one(
    client, make_user, db, store, settings, probe
):
    user = make_user()
    headers = {**user.auth, "Idempotency-Key": f"retry-{uuid.uuid4().hex}"}
    data = png_bytes()
    first = _post(client, headers, {"image0": _file(data, "page.png")})
    second = _post(client, headers, {"image0": _file(data, "page.png")})
    third = _post(client, headers, {"image0": _file(data, "page.png")})
    assert first.status_code == second.status_code == third.status_code == 202
    upload_id = first.get_json()["upload_id"]
    assert second.get_json()["upload_id"] == third.get_json()["upload_id"] == upload_id
    assert second.get_json()["images"] == first.get_json()["images"]

    assert db.uploads.count_documents({"user_id": user.user_id}) == 1
    assert db.images.count_documents({"user_id": user.user_id}) == 1
    assert len(list(store.keys(settings.bucket_staging, prefix=f"{user.user_id}/"))) == 1
    seen = wait_until(probe.drain)
    time.sleep(0.3)
    seen += probe.drain()
    assert [(e.type, e.subject) for e, _ in seen] == [
        (events.UploadReceived.event_type, upload_id),
        (events.ImageReceived.event_type, upload_id),
    ]

    # A different key is a different request.
    other = _post(
        client, {**user.auth, "Idempotency-Key": "another"}, {"image0": _file(data, "p.png")}
    )
    assert other.status_code == 202
    assert other.get_json()["upload_id"] != upload_id
