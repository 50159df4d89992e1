"""PDFs in (issue 17), over the real servers: each page of an uploaded PDF becomes an image of the
upload; a page with a text layer is read from it, exactly and much faster than OCR; a scan, or a
layer whose glyphs map to no characters, is read by OCR; a draft has a slide per page; and the
PDFs we refuse (too long, encrypted, scripted, damaged) leave nothing behind."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile

import pytest
from PIL import Image
from pptx import Presentation

from tests import pdfs
from tests.helpers import cer, png_bytes

pytestmark = pytest.mark.integration


def _post(client, user, *files: tuple[bytes, str], image_type: str = "mixed-printed"):
    data = {f"image{n}": (io.BytesIO(raw), name) for n, (raw, name) in enumerate(files)}
    return client.post(
        "/v1/uploads",
        data={**data, "image_type": image_type},
        headers=user.auth,
        content_type="multipart/form-data",
    )


def _settled(client, user, upload_id: str) -> dict:
    for _ in range(4):  # OCR of a scanned page can take a while on a loaded machine
        upload = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
        if upload["status"] != "processing":
            return upload
    raise AssertionError(f"upload {upload_id} still processing: {upload}")


def _first_word_by_poppler(pdf: bytes, page: int) -> tuple[str, float, float]:
    """The page's first word and its left and top as fractions of the page, as poppler's
    pdftotext (another PDF reader altogether) finds them."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        html = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), file.name, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    width, height = (
        float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', html).groups()
    )
    x, y, word = re.search(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>', html
    ).groups()
    return word, float(x) / width, float(y) / height


def _nothing_left(user, db, store, settings) -> None:
    assert db.uploads.count_documents({"user_id": user.user_id}) == 0
    assert db.images.count_documents({"user_id": user.user_id}) == 0
    for bucket in (settings.bucket_staging, settings.bucket_images):
        assert list(store.keys(bucket, prefix=f"{user.user_id}/")) == []


def test_a_born_digital_pdf_becomes_one_image_a_page_read_from_its_own_text(
    client, make_user, workers, store, settings
):
    user = make_user()
    accepted = _post(client, user, (pdfs.exported_slides(), "회의 자료.pdf"))
    assert accepted.status_code == 202, accepted.get_json()
    images = accepted.get_json()["images"]
    assert [(i["filename"], i["page"]) for i in images] == [
        ("회의 자료-p1.png", 1),
        ("회의 자료-p2.png", 2),
        ("회의 자료-p3.png", 3),
    ]

    upload = _settled(client, user, accepted.get_json()["upload_id"])

    assert upload["status"] == "completed", upload
    for page, (image, lines) in enumerate(zip(upload["images"], pdfs.SLIDES, strict=True), 1):
        assert image["original_filename"] == "회의 자료.pdf"
        assert image["ocr"]["engine"] == "pdf-text"
        assert cer(image["ocr"]["text"], pdfs.page_text(lines)) <= 0.01, image["ocr"]["text"]
        # Stored as a 200 dpi PNG of the 13.33 × 7.5 in slide, every word placed on it.
        assert (image["type"], image["width"], image["height"]) == ("image/png", 2667, 1500)
        original = client.get(image["links"]["original"], headers=user.auth)
        assert Image.open(io.BytesIO(original.data)).size == (2667, 1500)
        title = image["ocr"]["blocks"][0]["lines"][0]
        assert title["text"] == lines[0]
        red, green, blue = (int(title["style"]["color"][i : i + 2], 16) for i in (1, 3, 5))
        assert red > green + 80 and red > blue + 80, title["style"]  # measured on the page
        word, left, top = _first_word_by_poppler(pdfs.exported_slides(), page)
        assert title["words"][0]["text"].startswith(word)  # poppler parts "회의록" and ":"
        x0, y0, _, _ = title["words"][0]["bbox"]
        assert abs(x0 - left) < 0.01 and abs(y0 - top) < 0.02, (title["words"][0], left, top)


@pytest.mark.alone  # a ratio of two times: beside other workers' load it missed (619 vs 1554 ms)
def test_a_text_layer_is_read_far_faster_than_the_same_page_by_ocr(client, make_user, workers):
    """The same page, with its text layer and as a scan of it: the layer's read takes a
    fraction of OCR's (a ratio in one run; bench/pdf.py measures the times). Each PDF has the
    page twice and the faster read counts: a worker's first read also loads what it keeps."""
    user = make_user()
    lines = ["Quarterly results", "Costs fell by 7 percent"]
    born = pdfs.exported_slides((tuple(lines), tuple(lines)))
    page = pdfs.printed_page(lines)
    # One after the other: sent together, the two uploads' work overlapped and the ratio
    # missed (333 against 859 ms, in a run alone); apart, three runs read 245-368 against
    # 1507-1888 ms.
    with_layer = _post(client, user, (born, "digital.pdf"))
    digital = [
        i["ocr"] for i in _settled(client, user, with_layer.get_json()["upload_id"])["images"]
    ]
    scan = _post(client, user, (pdfs.scanned(page, page.copy()), "scan.pdf"))
    scanned = [i["ocr"] for i in _settled(client, user, scan.get_json()["upload_id"])["images"]]

    assert {ocr["engine"] for ocr in digital} == {"pdf-text"}
    assert {ocr["engine"] for ocr in scanned} == {"tesseract"}  # no text layer: read by OCR
    assert all(cer(ocr["text"], "\n".join(lines)) <= 0.1 for ocr in scanned), scanned
    fastest = [min(ocr["duration_ms"] for ocr in reads) for reads in (digital, scanned)]
    print(f"fastest reads: text layer {fastest[0]} ms, OCR {fastest[1]} ms")
    assert fastest[0] * 3 < fastest[1], fastest


def test_a_text_layer_whose_glyphs_map_to_no_characters_is_read_by_ocr(client, make_user, workers):
    user = make_user()
    garbled = pdfs.without_unicode_maps(pdfs.exported_slides((("Budget review 2026",),)))
    accepted = _post(client, user, (garbled, "garbled.pdf"), image_type="eng-printed")

    image = _settled(client, user, accepted.get_json()["upload_id"])["images"][0]

    assert image["ocr"]["engine"] == "tesseract"
    assert cer(image["ocr"]["text"], "Budget review 2026") <= 0.1, image["ocr"]["text"]


def test_a_pdf_and_a_photo_in_one_upload_keep_the_order_they_came_in(client, make_user, workers):
    user = make_user()
    accepted = _post(
        client, user, (png_bytes(640, 480), "photo.png"), (pdfs.blank_pages(2), "notes.pdf")
    )
    assert accepted.status_code == 202, accepted.get_json()

    upload = _settled(client, user, accepted.get_json()["upload_id"])

    assert [(i["filename"], i["page"], i["index"]) for i in upload["images"]] == [
        ("photo.png", None, 0),
        ("notes-p1.png", 1, 1),
        ("notes-p2.png", 2, 2),
    ]
    assert upload["image_count"] == 3 and upload["status"] == "completed"


def test_a_draft_from_a_pdf_has_a_slide_a_page_with_its_text(
    client, make_user, workers, deck_worker
):
    user = make_user()
    accepted = _post(client, user, (pdfs.exported_slides(), "slides.pdf"))
    upload_id = accepted.get_json()["upload_id"]
    assert _settled(client, user, upload_id)["status"] == "completed"

    body = {"template_id": "clean", "title": "From a PDF", "from_upload": upload_id}
    created = client.post("/v1/decks", json=body, headers=user.auth)
    assert created.status_code == 202, created.get_json()
    deck = client.get(f"{created.headers['Location']}?wait=60", headers=user.auth).get_json()
    assert deck["status"] == "completed", deck
    pptx = Presentation(io.BytesIO(client.get(deck["links"]["file"], headers=user.auth).data))

    assert len(pptx.slides) == len(pdfs.SLIDES)
    for slide, lines in zip(pptx.slides, pdfs.SLIDES, strict=True):
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for line in lines:
            assert any(line in text for text in texts), (line, texts)


@pytest.mark.parametrize(
    ("files", "limit", "allowed", "used"),
    [
        ([(pdfs.blank_pages(60), "long.pdf")], "pdf_pages_per_file", 50, 60),
        (
            [(pdfs.blank_pages(30), "a.pdf"), (pdfs.blank_pages(30), "b.pdf")],
            "pdf_pages_per_upload",
            50,
            60,
        ),
    ],
    ids=["one-long-pdf", "two-pdfs-together"],
)
def test_too_many_pages_are_refused_naming_the_limit_and_leave_nothing(
    client, make_user, db, store, settings, files, limit, allowed, used
):
    user = make_user()

    refused = _post(client, user, *files)

    assert refused.status_code == 422
    problem = refused.get_json()
    assert refused.content_type == "application/problem+json"
    assert problem["type"].endswith("/too-many-pages")
    assert (problem["limit"], problem["allowed"], problem["used"]) == (limit, allowed, used)
    assert str(allowed) in problem["detail"]
    _nothing_left(user, db, store, settings)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: pdfs.encrypted(pdfs.blank_pages(1)), "encrypted"),
        (lambda: pdfs.encrypted(pdfs.blank_pages(1), user_password=""), "encrypted"),
        (lambda: pdfs.with_javascript(pdfs.blank_pages(1)), "javascript"),
        (lambda: pdfs.with_javascript(pdfs.blank_pages(1), compress=True), "javascript"),
        (lambda: pdfs.damaged(pdfs.blank_pages(1)), "broken"),
        (lambda: pdfs.with_picture_of(pdfs.blank_pages(1), 30_000, 30_000), "too_many_pixels"),
    ],
    ids=[
        "encrypted",
        "owner-password-only",
        "javascript",
        "javascript-compressed",
        "damaged",
        "picture-bomb",
    ],
)
def test_a_pdf_we_do_not_take_is_refused_with_the_reason_and_leaves_nothing(
    client, make_user, db, store, settings, make, reason
):
    user = make_user()

    refused = _post(client, user, (png_bytes(), "fine.png"), (make(), "handout.pdf"))

    assert refused.status_code == 422
    problem = refused.get_json()
    assert problem["type"].endswith("/unacceptable-pdf")
    assert problem["reason"] == reason and problem["filename"] == "handout.pdf"
    _nothing_left(user, db, store, settings)
