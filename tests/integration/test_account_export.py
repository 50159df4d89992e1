"""`GET /v1/me/export` over the real servers: a person's upload (read by OCR), built deck (and
its PDF) and own template come back in one streamed zip that says what the API says, with the
files as they were sent byte for byte; another person's things appear nowhere in it; a large
file passes through without the request holding it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import threading
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from deck_service.bootstrap import bootstrap as deck_bootstrap
from deck_service.handlers import handlers as deck_handlers
from deck_service.settings import DeckSettings
from gateway.account import export
from tests import pdfs
from tests.helpers import png_bytes
from tests.integration import pptx_packages as packages

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"
PAGE = (FIXTURES / "eng_printed_01_phototest.png").read_bytes()
EXPORT = "/v1/me/export"
TEXT = {"type": "text", "text": "안녕하세요", "x": 0.1, "y": 0.1, "w": 0.8, "h": 0.3, "size": 28}


@pytest.fixture
def pdf_worker(settings, run_worker):
    """The deck service without previews: the .pptx and its PDF are all these tests need."""
    deps = deck_bootstrap(DeckSettings(**{**settings.model_dump(), "previews": False}))
    return run_worker("deck", deck_handlers(deps))


def _upload(client, user, *files: tuple[bytes, str]) -> str:
    fields = {f"image{n}": (io.BytesIO(data), name) for n, (data, name) in enumerate(files)}
    response = client.post(
        "/v1/uploads",
        data={**fields, "image_type": "mixed-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["upload_id"]


def _settled(client, user, upload_id: str) -> dict:
    for _ in range(4):  # OCR can take a while on a loaded machine
        upload = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
        if upload["status"] != "processing":
            return upload
    raise AssertionError(f"upload {upload_id} still processing")


def _template(client, user, data: bytes, name: str) -> str:
    added = client.post(
        "/v1/templates",
        data={"template": (io.BytesIO(data), "mine.pptx"), "name": name},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert added.status_code == 201, added.get_json()
    return added.get_json()["template_id"]


def _built_deck(client, user, template_id: str, title: str) -> str:
    spec = {
        "template_id": template_id,
        "title": title,
        "slides": [{"layout": "title_body", "elements": [TEXT]}],
    }
    posted = client.post("/v1/decks", json=spec, headers=user.auth)
    assert posted.status_code == 202, posted.get_json()
    location = posted.headers["Location"]
    deck = client.get(f"{location}?wait=60", headers=user.auth).get_json()
    assert deck["status"] == "completed", deck
    return deck["deck_id"]


def _export(client, user) -> tuple[zipfile.ZipFile, bytes]:
    response = client.get(EXPORT, headers=user.auth)
    assert response.status_code == 200
    body = response.get_data()
    return zipfile.ZipFile(io.BytesIO(body)), body


def _one(names: list[str], prefix: str, suffix: str = "") -> str:
    [found] = [n for n in names if n.startswith(prefix) and n.endswith(suffix)]
    return found


def test_a_persons_export_holds_their_upload_deck_and_template_as_the_api_shows_them(
    client, make_user, workers, pdf_worker
):
    me, other = make_user(), make_user()
    slides = pdfs.exported_slides(pdfs.SLIDES[:1])
    upload_id = _upload(client, me, (PAGE, "../../발표\u202e 자료.png"), (slides, "slides.pdf"))
    gone_id = _upload(client, me, (png_bytes(40, 30), "deleted.png"))
    assert client.delete(f"/v1/uploads/{gone_id}", headers=me.auth).status_code == 204
    template = packages.clean()
    template_id = _template(client, me, template, "내 템플릿/../<x>")
    deck_id = _built_deck(client, me, template_id, "3분기 / 발표")
    deleted_deck = _built_deck(client, me, "clean", "deleted")
    assert client.delete(f"/v1/decks/{deleted_deck}", headers=me.auth).status_code == 204
    pdf = client.get(f"/v1/decks/{deck_id}/file?format=pdf&wait=60", headers=me.auth)
    assert pdf.status_code == 200, pdf.get_json()
    others = [
        _upload(client, other, (png_bytes(64, 48, "red"), "other.png")),
        _template(client, other, template, "their template"),
    ]
    others.append(_built_deck(client, other, "clean", "their deck"))
    upload = _settled(client, me, upload_id)
    assert upload["status"] == "completed", upload

    response = client.get(EXPORT, headers=me.auth, buffered=False)
    assert response.is_streamed
    assert response.headers["Content-Type"] == "application/zip"
    day = response.headers["Content-Disposition"].split("jaryo-export-")[1][:10]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="jaryo-export-{day}.zip"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = archive.namelist()
    assert archive.testzip() is None

    # The upload: what the API shows of it, its originals, its OCR, and the files as sent.
    folder = f"uploads/{upload['created_at'][:10]}-{upload_id}"
    assert json.loads(archive.read(f"{folder}/upload.json")) == upload
    for image in upload["images"]:
        number = f"{image['index']:03d}"
        original = client.get(image["links"]["original"], headers=me.auth).get_data()
        assert archive.read(_one(names, f"{folder}/originals/{number}-")) == original
        assert json.loads(archive.read(f"{folder}/ocr/{number}.json")) == image["ocr"]
        assert archive.read(f"{folder}/ocr/{number}.txt").decode() == image["ocr"]["text"]
    text = client.get(f"/v1/uploads/{upload_id}/text", headers=me.auth).get_data()
    assert archive.read(f"{folder}/text.txt") == text
    assert archive.read(_one(names, f"{folder}/sent/", ".png")) == PAGE
    assert archive.read(_one(names, f"{folder}/sent/", ".pdf")) == slides
    assert "quick brown" in archive.read(f"{folder}/ocr/000.txt").decode()
    assert f"{folder}/originals/000-발표 자료.png" in names  # the hostile name, made safe

    # The deck: its spec, its .pptx and its PDF as the API downloads them.
    deck_folder = _one(names, f"decks/{deck_id}-", "/deck.json").rsplit("/", 1)[0]
    assert deck_folder == f"decks/{deck_id}-3분기 _ 발표"
    spec = client.get(f"/v1/decks/{deck_id}/spec", headers=me.auth).get_json()
    assert json.loads(archive.read(f"{deck_folder}/deck.json")) == spec
    pptx = client.get(f"/v1/decks/{deck_id}/file", headers=me.auth).get_data()
    assert archive.read(_one(names, f"{deck_folder}/", ".pptx")) == pptx
    assert archive.read(_one(names, f"{deck_folder}/", ".pdf")) == pdf.get_data()

    # The template as it was sent; the built-in ones are not the person's.
    assert archive.read(_one(names, f"templates/{template_id}-", ".pptx")) == template
    assert [n for n in names if n.startswith("templates/")] == [
        f"templates/{template_id}-내 템플릿_x.pptx"
    ]

    manifest = json.loads(archive.read("export.json"))
    assert names[-1] == "export.json"
    assert manifest["account"]["user_id"] == me.user_id
    assert manifest["account"]["username"] == me.username
    assert manifest["missing"] == [] and manifest["expired"] == []
    assert [f["path"] for f in manifest["files"]] == names[:-1]
    for described in manifest["files"]:
        data = archive.read(described["path"])
        assert (described["size"], described["sha256"]) == (
            len(data),
            hashlib.sha256(data).hexdigest(),
        )

    # Nothing of the deleted upload nor of the other person, in a name or in a file.
    everything = "\n".join(names) + "\n" + body.decode("latin-1")
    for foreign in [gone_id, deleted_deck, other.user_id, other.username, *others]:
        assert foreign not in everything
    assert not any("deleted" in name for name in names)


def test_an_export_asked_without_a_token_is_refused(client):
    assert client.get(EXPORT).status_code == 401
    bad = client.get(EXPORT, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_a_person_with_nothing_gets_a_zip_of_their_account_alone(client, make_user):
    me = make_user()

    archive, _ = _export(client, me)

    assert archive.namelist() == ["export.json"]
    manifest = json.loads(archive.read("export.json"))
    assert manifest["account"]["username"] == me.username
    assert manifest["files"] == []


def test_a_file_purged_before_its_turn_is_named_missing_and_the_rest_still_comes(
    client, make_user, db, store, settings
):
    me = make_user()
    kept = _template(client, me, packages.clean(), "kept")
    purged = _template(client, me, packages.clean(), "purged")
    document = db.templates.find_one({"_id": purged})
    store.delete(settings.bucket_decks, document["file_path"])

    archive, _ = _export(client, me)

    assert archive.namelist() == [f"templates/{kept}-kept.pptx", "export.json"]
    manifest = json.loads(archive.read("export.json"))
    assert manifest["missing"] == [f"templates/{purged}-purged.pptx"]


def test_a_large_file_streams_through_without_the_request_holding_it(
    client, make_user, db, store, settings, tmp_path
):
    me = make_user()
    template_id = _template(client, me, packages.clean(), "big")
    large = os.urandom(48 * 1024 * 1024)
    key = db.templates.find_one({"_id": template_id})["file_path"]
    store.put_bytes(settings.bucket_decks, key, large)  # as if the person's file were that big
    expected = hashlib.sha256(large).hexdigest()
    del large

    tracemalloc.start()
    try:
        response = client.get(EXPORT, headers=me.auth, buffered=False)
        assert response.is_streamed
        received = tmp_path / "export.zip"
        with received.open("wb") as out:
            for chunk in response.response:
                out.write(chunk)
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 4 * 1024 * 1024, f"the request held {peak} bytes at once"
    with zipfile.ZipFile(received) as archive:
        name = f"templates/{template_id}-big.pptx"
        assert hashlib.sha256(archive.read(name)).hexdigest() == expected


class Streaming:
    """An export of `user` on a thread of its own, as the server gives each request one (Flask's
    streamed request context is per thread): begun, `chunks` chunks read, then left open, a
    client reading slowly, until `read_to_end()` or `close()` (the client going away)."""

    def __init__(self, client, user, chunks: int = 1) -> None:
        self._orders: queue.Queue[str] = queue.Queue()
        self._done: queue.Queue[object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(client, user, chunks))
        self._thread.start()
        self._answer()

    def read_to_end(self) -> bytes:
        self._orders.put("read")
        rest = self._answer()
        assert isinstance(rest, bytes)
        return rest

    def close(self) -> None:
        self._orders.put("close")
        self._answer()
        self._thread.join(timeout=30)

    def _answer(self) -> object:
        answer = self._done.get(timeout=60)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def _run(self, client, user, chunks: int) -> None:
        try:
            response = client.get(EXPORT, headers=user.auth, buffered=False)
            assert response.status_code == 200 and response.is_streamed
            body = iter(response.response)
            for _ in range(chunks):
                assert next(body)
            self._done.put("open")
            while self._orders.get(timeout=60) != "close":
                self._done.put(b"".join(body))
            response.close()
            self._done.put("closed")
        except Exception as error:  # noqa: BLE001 - handed to the test's thread, raised there
            self._done.put(error)


def test_a_second_export_of_one_person_waits_for_the_first_while_another_person_gets_theirs(
    client, make_user
):
    me, other = make_user(), make_user()
    _template(client, me, packages.clean(), "mine")  # more than one chunk to stream
    first = Streaming(client, me)

    again = client.get(EXPORT, headers=me.auth)
    theirs = client.get(EXPORT, headers=other.auth)
    their_zip = zipfile.ZipFile(io.BytesIO(theirs.get_data()))  # read in full, as a client does
    first.close()  # the client goes away part-way
    after = client.get(EXPORT, headers=me.auth)
    my_zip = zipfile.ZipFile(io.BytesIO(after.get_data()))

    assert again.status_code == 429 and again.mimetype == "application/problem+json"
    assert again.get_json()["code"] == "too-many-exports"
    assert int(again.headers["Retry-After"]) > 0
    assert theirs.status_code == 200 and their_zip.namelist() == ["export.json"]
    assert after.status_code == 200
    assert _one(my_zip.namelist(), "templates/")


@pytest.fixture
def one_export_client(gateway_settings):
    from gateway.app import create_app

    app = create_app(gateway_settings.model_copy(update={"export_max_streams": 1}), run_relay=False)
    yield app.test_client()
    app.extensions["jaryo"].close()


def test_over_the_servers_export_cap_everyone_is_told_to_come_back_until_one_ends(
    one_export_client, make_user
):
    me, other = make_user(), make_user()
    first = Streaming(one_export_client, me)

    busy = one_export_client.get(EXPORT, headers=other.auth)
    rest = first.read_to_end()  # the first export read to its end, not yet closed
    after = one_export_client.get(EXPORT, headers=other.auth)
    after_body = after.get_data()
    first.close()

    assert busy.status_code == 503 and busy.get_json()["code"] == "busy"
    assert int(busy.headers["Retry-After"]) > 0
    assert rest
    assert after.status_code == 200 and zipfile.ZipFile(io.BytesIO(after_body)).namelist()


def test_an_export_closed_before_its_first_byte_frees_its_slot(client, make_user):
    me = make_user()
    unread = Streaming(client, me, chunks=0)

    unread.close()
    again = client.get(EXPORT, headers=me.auth)

    assert again.status_code == 200 and zipfile.ZipFile(io.BytesIO(again.get_data())).namelist()


def test_a_device_signed_out_midway_gets_no_further_file_and_frees_its_slot(client, make_user):
    me = make_user()
    for name in ("first", "second"):
        _template(client, me, packages.clean(), name)
    streaming = Streaming(client, me)  # the first file begun

    assert client.post("/v1/auth/signout", headers=me.auth).status_code == 204
    with pytest.raises(export.SignedOutMidway):
        streaming.read_to_end()  # the server breaks the answer off: the client's zip is cut

    again = client.post("/v1/auth/token", json={"username": me.username, "password": me.password})
    auth = {"Authorization": f"Bearer {again.get_json()['access_token']}"}
    after = client.get(EXPORT, headers=auth)
    assert after.status_code == 200  # the broken-off export gave its slot back
    names = zipfile.ZipFile(io.BytesIO(after.get_data())).namelist()
    assert len([n for n in names if n.startswith("templates/")]) == 2
