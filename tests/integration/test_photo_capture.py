"""A phone photo of a page read through the capture step, over the real servers: the page on a
desk, at an angle and in a shadow, is found, flattened, stored beside the photo and read, its
boxes in the page's frame, and the upload settles once. A fix of the page's corners through
the API reads the photo again once, from those corners, and settles the upload once more."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handlers as ocr_handlers
from ocr_service.settings import OcrSettings
from tests.pdfs import exported_slides
from tests.unit.test_capture import CORNERS, LINES, PAGE, PHOTO, photo_of_page

pytestmark = pytest.mark.integration

WORDS = "Quarterly figures 2026".split()


@pytest.fixture
def reading(settings, storage_worker, run_worker):
    """The storage worker and an OCR worker with the service's default settings (capture on)."""
    ocr = ocr_bootstrap(OcrSettings(**settings.model_dump()))
    run_worker("ocr", ocr_handlers(ocr))


def _upload_photo(client, user) -> str:
    photo = io.BytesIO()
    Image.fromarray(photo_of_page(np.random.default_rng(5))).save(photo, "JPEG", quality=90)
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(photo.getvalue()), "desk.jpg"), "image_type": "eng-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["upload_id"]


def _page_to_photo() -> np.ndarray:
    page = np.array([[0, 0], [PAGE[0], 0], [PAGE[0], PAGE[1]], [0, PAGE[1]]], np.float32)
    return cv2.getPerspectiveTransform(page, CORNERS)


def _counted(seen, event_type: str, **fields) -> int:
    return sum(
        1
        for envelope, payload in seen
        if envelope.type == event_type
        and all(getattr(payload, name) == value for name, value in fields.items())
    )


def test_photo_of_a_page_on_a_desk_is_read_as_its_page_stored_beside_it(
    client, make_user, reading, probe
):
    user = make_user()
    upload_id = _upload_photo(client, user)

    detail = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()

    assert detail["status"] == "completed"
    (image,) = detail["images"]
    ocr = image["ocr"]
    # Read without the step, the slanted lines come out as 7 of the 9 and some garbage.
    assert ocr["text"].split() == WORDS * LINES, ocr["text"]
    page = ocr["page"]
    assert page["source"] == "found" and "flattened" in page["steps"]
    expected = CORNERS / np.array(PHOTO)
    found = np.array([[corner["x"], corner["y"]] for corner in page["corners"]])
    assert np.abs(found - expected).max() < 0.02, found
    assert page["width"] / page["height"] == pytest.approx(PAGE[0] / PAGE[1], rel=0.05)
    # The page is served as stored, and is what the boxes are fractions of: every line starts
    # 70 px into the 800 px page (in the photo, the slanted lines start far apart).
    served = client.get(image["links"]["page"], headers=user.auth)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(served.data)).size == (page["width"], page["height"])
    starts = [line["bbox"][0] for block in ocr["blocks"] for line in block["lines"]]
    assert len(starts) == LINES
    assert max(abs(x - 70 / PAGE[0]) for x in starts) < 0.03, starts
    seen = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    assert _counted(seen, "jaryo.upload.completed.v1") == 1


def test_a_draft_of_a_photo_shows_its_page_in_the_pages_proportions(
    client, make_user, reading, deck_worker
):
    """The draft's picture is the page the text was read on, not the photo of a desk: placed
    in the page's proportions (4:5), and the deck embeds the stored page itself."""
    user = make_user()
    upload_id = _upload_photo(client, user)
    (image,) = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()[
        "images"
    ]
    page = image["ocr"]["page"]
    asked = {"template_id": "clean", "title": "desk", "from_upload": upload_id}
    response = client.post("/v1/decks", json={**asked, "background": "photo"}, headers=user.auth)
    assert response.status_code == 202, response.get_json()
    deck = client.get(f"{response.headers['Location']}?wait=60", headers=user.auth).get_json()
    assert deck["status"] == "completed", deck

    spec = client.get(deck["links"]["spec"], headers=user.auth).get_json()
    [picture] = [e for e in spec["slides"][0]["elements"] if e["type"] == "image"]
    assert picture["variant"] == "page"
    # Slide fractions of a 16:9 slide: w/h in inches is (w * 16) / (h * 9).
    assert (picture["w"] * 16) / (picture["h"] * 9) == pytest.approx(PAGE[0] / PAGE[1], rel=0.05)
    pptx = Presentation(io.BytesIO(client.get(deck["links"]["file"], headers=user.auth).data))
    [embedded] = [s for s in pptx.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert embedded.image.size == (page["width"], page["height"])


def test_a_scan_has_no_page_of_its_own(client, make_user, reading):
    """An image in which no page is found is read as it is: no `ocr.page`, no page link, and
    the page route says so with its own code."""
    user = make_user()
    plain = Image.new("RGB", (900, 300), "white")
    ImageDraw.Draw(plain).text(
        (40, 120), "Plain scan", font=ImageFont.load_default(size=48), fill="black"
    )
    data = io.BytesIO()
    plain.save(data, "PNG")
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(data.getvalue()), "scan.png"), "image_type": "eng-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]
    (image,) = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()[
        "images"
    ]

    assert image["ocr"]["status"] == "done" and "page" not in image["ocr"]
    assert "page" not in image["links"]
    missing = client.get(
        f"/v1/uploads/{upload_id}/images/{image['image_id']}/page", headers=user.auth
    )
    assert missing.status_code == 404 and missing.get_json()["code"] == "no-page"


def test_a_fix_of_the_corners_reads_the_photo_again_once_and_settles_once(
    client, make_user, reading, probe
):
    user = make_user()
    upload_id = _upload_photo(client, user)
    first = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
    assert first["status"] == "completed"
    image_id = first["images"][0]["image_id"]
    probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    # The person keeps only the page's top half: its top corners, and where the middles of its
    # sides are seen in the photo.
    half = np.array([[0, 0], [PAGE[0], 0], [PAGE[0], PAGE[1] / 2], [0, PAGE[1] / 2]], np.float32)
    seen = cv2.perspectiveTransform(half[None], _page_to_photo())[0] / np.array(PHOTO)
    corners = [{"x": round(float(x), 4), "y": round(float(y), 4)} for x, y in seen]
    route = f"/v1/uploads/{upload_id}/images/{image_id}/page"

    def fix() -> tuple[int, dict]:
        answer = client.put(route, json={"corners": corners}, headers=user.auth)
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: fix(), range(20)))

    taken = [body for status, body in answers if status == 202]
    refused = [body for status, body in answers if status != 202]
    assert len(taken) == 1, answers
    assert taken[0]["status"] == "processing"
    assert {(status, body["code"]) for status, body in answers if status != 202} == {
        (409, "upload-processing")
    }, refused
    again = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
    assert again["status"] == "completed", again
    (image,) = again["images"]
    page = image["ocr"]["page"]
    assert page["source"] == "person"
    assert page["corners"] == corners
    # The top half of the page, in its proportions, and only its lines (4 whole, perhaps a
    # fifth cut through), where the first reading had all 9.
    assert page["width"] / page["height"] == pytest.approx(PAGE[0] / (PAGE[1] / 2), rel=0.06)
    read = image["ocr"]["text"].count("Quarterly")
    assert 4 <= read <= 5, image["ocr"]["text"]
    assert image["links"]["page"].endswith("v=1")
    published = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    assert _counted(published, "jaryo.image.corners_fixed.v1") == 1
    assert _counted(published, "jaryo.ocr.completed.v1", image_id=image_id, reading=1) == 1
    assert _counted(published, "jaryo.ocr.completed.v1") == 1
    assert _counted(published, "jaryo.upload.completed.v1", reading=1) == 1
    assert _counted(published, "jaryo.upload.completed.v1") == 1  # the first's came before
    listed = client.get("/v1/uploads", headers=user.auth).get_json()["items"]
    assert [item["status"] for item in listed] == ["completed"]


def test_a_fix_is_refused_where_it_cannot_apply_and_changes_nothing(client, make_user, reading, db):
    """Another person's image is a 404; corners that enclose no page a 422 naming the field;
    a PDF's page a 409 not-a-photo; an image fixed as often as allowed a 429; and none of these
    reopens the upload."""
    owner, stranger = make_user(), make_user()
    upload_id = _upload_photo(client, owner)
    pdf = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(exported_slides()), "slides.pdf"), "image_type": "eng-printed"},
        headers=owner.auth,
        content_type="multipart/form-data",
    ).get_json()["upload_id"]
    photo = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=owner.auth).get_json()
    slides = client.get(f"/v1/uploads/{pdf}?wait=60", headers=owner.auth).get_json()
    image_id = photo["images"][0]["image_id"]
    route = f"/v1/uploads/{upload_id}/images/{image_id}/page"
    square = {
        "corners": [{"x": x, "y": y} for x, y in ((0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9))]
    }

    def answer(path: str, body: dict, user=owner) -> tuple[int, str, str | None]:
        got = client.put(path, json=body, headers=user.auth)
        problem = got.get_json()
        return got.status_code, problem["code"], problem.get("pointer")

    assert answer(route, square, stranger) == (404, "not-found", None)
    backwards = {"corners": square["corners"][::-1]}
    assert answer(route, backwards) == (422, "invalid-input", "/corners")
    assert answer(route, {"corners": square["corners"][:3]}) == (422, "invalid-input", "/corners")
    assert answer(route, {**square, "extra": 1})[:2] == (422, "invalid-input")
    first_page = slides["images"][0]["image_id"]
    assert answer(f"/v1/uploads/{pdf}/images/{first_page}/page", square) == (
        409,
        "not-a-photo",
        None,
    )
    db.images.update_one({"_id": image_id}, {"$set": {"fixes": 10}})
    assert answer(route, square) == (429, "page-fix-quota", None)

    after = client.get(f"/v1/uploads/{upload_id}", headers=owner.auth).get_json()
    assert after["status"] == "completed"
    assert after["images"][0]["ocr"]["page"]["source"] == "found"


def test_a_lost_write_of_a_fix_never_blocks_the_next_one(client, make_user, reading, db, probe):
    """FerretDB can lose one of two concurrent updates, and a gateway can die after its claim:
    the fix records, not the upload's own count, say which reading is the latest, so a lost
    count still lets the next fix through, as the reading after the last one recorded."""
    user = make_user()
    upload_id = _upload_photo(client, user)
    first = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
    image_id = first["images"][0]["image_id"]
    route = f"/v1/uploads/{upload_id}/images/{image_id}/page"
    corners = {"corners": [{"x": x, "y": y} for x, y in (CORNERS / np.array(PHOTO)).tolist()]}
    assert client.put(route, json=corners, headers=user.auth).status_code == 202
    assert (
        client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()["status"]
        == "completed"
    )
    db.uploads.update_one({"_id": upload_id}, {"$unset": {"readings": ""}})  # the count lost

    again = client.put(route, json=corners, headers=user.auth)

    assert again.status_code == 202, again.get_json()
    settled = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
    assert settled["status"] == "completed"
    assert settled["images"][0]["links"]["page"].endswith("v=2")
    published = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    assert _counted(published, "jaryo.upload.completed.v1", reading=2) == 1
