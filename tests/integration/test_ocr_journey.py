"""Reading the text over the real servers: a Korean slide and an English page come back with
their text, as well read as raw Tesseract at least, with boxes on the text; the plain text, the
wait and the event stream work as a client uses them; nobody else sees any of it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import tesserocr
from PIL import Image, ImageChops, ImageDraw

from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handle_image_received as read_image
from ocr_service.images import load
from tests.helpers import cer, png_bytes, wait_until

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"
SLIDE = "kor_printed_08_slide_embedding"
PAGE = "eng_printed_01_phototest"


def _upload(client, user, name: str, image_type: str) -> str:
    data = (FIXTURES / f"{name}.png").read_bytes()
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(data), f"{name}.png"), "image_type": image_type},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["upload_id"]


def _raw_tesseract(ocr_settings, name: str, language: str) -> str:
    """What plain Tesseract (automatic layout, same language data) reads on the image."""
    raw = (FIXTURES / f"{name}.png").read_bytes()
    upright = load(raw, max_pixels=10**8, read_pixels=10**8)  # as read, without any bound
    with tesserocr.PyTessBaseAPI(
        path=str(ocr_settings.tessdata_dir), lang=language, oem=tesserocr.OEM.LSTM_ONLY
    ) as api:
        api.SetImage(upright.image)
        api.SetSourceResolution(upright.dpi)
        return str(api.GetUTF8Text())


def _boxes(ocr: dict) -> list[list[float]]:
    found = []
    for block in ocr["blocks"]:
        found.append(block["bbox"])
        for line in block["lines"]:
            found.append(line["bbox"])
            found += [word["bbox"] for word in line["words"]]
    return found


def _ink_covered_by_words(name: str, ocr: dict) -> float:
    """The share of dark pixels of the image that lie inside some word box."""
    gray = Image.open(FIXTURES / f"{name}.png").convert("L")
    ink = gray.point(lambda v: 255 if v < 128 else 0)
    boxes = Image.new("L", gray.size, 0)
    draw = ImageDraw.Draw(boxes)
    width, height = gray.size
    for block in ocr["blocks"]:
        for line in block["lines"]:
            for word in line["words"]:
                x0, y0, x1, y1 = word["bbox"]
                draw.rectangle([x0 * width, y0 * height, x1 * width, y1 * height], fill=255)
    inside = ImageChops.multiply(ink, boxes)
    return inside.histogram()[255] / ink.histogram()[255]


@pytest.mark.parametrize(
    ("name", "image_type", "language"),
    [(SLIDE, "kor-printed", "kor+eng"), (PAGE, "eng-printed", "eng")],
)
def test_uploaded_image_is_read_at_least_as_well_as_raw_tesseract_with_boxes_on_the_text(
    client, make_user, workers, ocr_settings, name, image_type, language
):
    user = make_user()
    upload_id = _upload(client, user, name, image_type)

    response = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth)

    upload = response.get_json()
    assert upload["status"] == "completed", upload
    (image,) = upload["images"]
    ocr = image["ocr"]
    assert image["status"] == "done" and ocr["status"] == "done"
    assert ocr["engine"] == "tesseract" and ocr["language"] == language
    assert ocr["duration_ms"] > 0
    truth = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    raw = _raw_tesseract(ocr_settings, name, language)
    assert cer(ocr["text"], truth) <= cer(raw, truth)
    assert cer(ocr["text"], truth) < 0.15
    boxes = _boxes(ocr)
    assert boxes and all(0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1 for x0, y0, x1, y1 in boxes)
    for block in ocr["blocks"]:
        for line in block["lines"]:
            assert line["text"] and 0 <= line["confidence"] <= 100
            for word in line["words"]:
                assert word["low_confidence"] == (word["confidence"] < 60)
    if name == PAGE:  # plain black text on white: the word boxes must hold the ink
        assert _ink_covered_by_words(name, ocr) > 0.95

    text = client.get(f"/v1/uploads/{upload_id}/text", headers=user.auth)
    assert text.status_code == 200
    assert text.content_type == "text/plain; charset=utf-8"
    assert text.get_data(as_text=True) == ocr["text"]


def test_plain_text_joins_the_images_in_upload_order(client, make_user, workers):
    user = make_user()
    files = {
        "image0": (io.BytesIO((FIXTURES / f"{PAGE}.png").read_bytes()), "first.png"),
        "image1": (io.BytesIO(png_bytes(200, 100)), "blank.png"),
        "image2": (io.BytesIO((FIXTURES / f"{SLIDE}.png").read_bytes()), "third.png"),
    }
    response = client.post(
        "/v1/uploads",
        data={**files, "image_type": "mixed-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]

    text = client.get(f"/v1/uploads/{upload_id}/text?wait=60", headers=user.auth)

    assert text.status_code == 200
    detail = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()
    texts = [image["ocr"]["text"] for image in detail["images"]]
    assert texts[1] == ""  # a blank image is read, and has no text
    assert text.get_data(as_text=True) == "\n\n".join(texts)
    assert "quick brown dog" in texts[0] and "임베딩" in texts[2]


def test_event_stream_reports_progress_then_completed_and_ends(client, make_user, workers):
    user = make_user()
    upload_id = _upload(client, user, PAGE, "eng-printed")

    response = client.get(f"/v1/uploads/{upload_id}/events", headers=user.auth, buffered=False)

    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    received = []
    for chunk in response.response:  # the stream ends by itself once the upload is finished
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if text.startswith("event: "):
            name, data = text.strip().split("\n", 1)
            received.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    response.close()
    names = [name for name, _ in received]
    assert names[-1] == "completed" and set(names[:-1]) <= {"progress"}
    final = received[-1][1]
    assert final["upload_id"] == upload_id and final["status"] == "completed"
    assert final["images"][0]["status"] == "done"
    assert "text" not in json.dumps(final["images"])  # the stream carries states, not text


def test_text_before_reading_finished_is_409_and_bad_wait_is_422(client, make_user):
    user = make_user()  # no workers: the upload stays processing
    upload_id = _upload(client, user, PAGE, "eng-printed")

    early = client.get(f"/v1/uploads/{upload_id}/text", headers=user.auth)
    assert early.status_code == 409 and early.mimetype == "application/problem+json"
    waited = client.get(f"/v1/uploads/{upload_id}?wait=1", headers=user.auth)
    assert waited.status_code == 200 and waited.get_json()["status"] == "processing"
    for bad in ("61", "-1", "soon", "1.5"):
        response = client.get(f"/v1/uploads/{upload_id}?wait={bad}", headers=user.auth)
        assert response.status_code == 422, bad
        assert response.get_json()["pointer"] == "/wait"


def test_another_user_gets_404_on_the_text_and_the_event_stream(client, make_user, workers):
    owner, other = make_user(), make_user()
    upload_id = _upload(client, owner, PAGE, "eng-printed")
    assert client.get(f"/v1/uploads/{upload_id}?wait=60", headers=owner.auth).status_code == 200
    for path in ("", "/text", "/events"):
        response = client.get(f"/v1/uploads/{upload_id}{path}?wait=1", headers=other.auth)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"


def _sideways_jpeg(name: str) -> bytes:
    """The page as a camera held sideways stores it: pixels turned, EXIF saying how to undo it."""
    upright = Image.open(FIXTURES / f"{name}.png").convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    upright.rotate(90, expand=True).save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def test_exif_rotated_photo_is_read_upright_with_boxes_in_the_upright_frame(
    client, make_user, workers
):
    user = make_user()
    response = client.post(
        "/v1/uploads",
        data={
            "image0": (io.BytesIO(_sideways_jpeg(PAGE)), "photo.jpg"),
            "image_type": "eng-printed",
        },
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]

    upload = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()

    (image,) = upload["images"]
    assert (image["width"], image["height"]) == Image.open(FIXTURES / f"{PAGE}.png").size
    truth = (FIXTURES / f"{PAGE}.txt").read_text(encoding="utf-8")
    assert cer(image["ocr"]["text"], truth) < 0.05
    first_line = image["ocr"]["blocks"][0]["lines"][0]["bbox"]
    assert first_line[2] - first_line[0] > first_line[3] - first_line[1]  # wide, not tall


def test_ocr_reads_the_stored_image_when_staging_is_already_gone(
    client, make_user, settings, db, store, storage_worker, ocr_settings, probe
):
    user = make_user()
    upload_id = _upload(client, user, PAGE, "eng-printed")
    wait_until(
        lambda: db.images.find_one({"upload_id": upload_id})["storage"]["status"] == "stored"
    )
    store.delete_prefix(settings.bucket_staging, f"{user.user_id}/")  # staging purged early
    deps = ocr_bootstrap(ocr_settings)
    (received,) = [
        (e, p)
        for e, p in probe.until("jaryo.image.stored.v1", upload_id=upload_id)
        if e.type == "jaryo.image.received.v1"
    ]

    read_image(deps, *received)  # the OCR service gets to it only now

    detail = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()
    assert detail["status"] == "completed"
    assert "quick brown dog" in detail["images"][0]["ocr"]["text"]
