"""The second half of the journey over the real servers: templates, a first draft from an
upload's OCR result, an edited deck with Korean and English text exactly where the spec puts it,
downloads, previews and refusals."""

from __future__ import annotations

import io
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Pt

from deck_service import render
from tests.helpers import png_bytes
from tests.integration.deck_previews import with_previews

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _read_upload(client, user) -> str:
    files = {
        "image0": (
            io.BytesIO((FIXTURES / "eng_printed_01_phototest.png").read_bytes()),
            "page.png",
        ),
        "image1": (
            io.BytesIO((FIXTURES / "kor_printed_08_slide_embedding.png").read_bytes()),
            "slide.png",
        ),
    }
    response = client.post(
        "/v1/uploads",
        data={**files, "image_type": "mixed-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]
    done = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
    assert done["status"] == "completed"
    return upload_id


def _finished(client, user, location: str) -> dict:
    deck = client.get(f"{location}?wait=60", headers=user.auth).get_json()
    assert deck["status"] == "completed", deck
    return deck


def _download(client, user, deck) -> Presentation:
    response = client.get(deck["links"]["file"], headers=user.auth)
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )
    return Presentation(io.BytesIO(response.data))


def test_draft_from_an_upload_has_a_slide_per_image_with_text_where_it_was(
    client, make_user, workers, deck_worker
):
    user = make_user()
    upload_id = _read_upload(client, user)
    detail = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()

    response = client.post(
        "/v1/decks",
        json={
            "template_id": "clean",
            "title": "첫 초안",
            "from_upload": upload_id,
            "with_images": True,
        },
        headers=user.auth,
    )

    assert response.status_code == 202, response.get_json()
    deck = _finished(client, user, response.headers["Location"])
    assert deck["slide_count"] == 2
    deck_file = _download(client, user, deck)
    assert len(deck_file.slides) == 2
    width = deck_file.slide_width
    for slide, image in zip(deck_file.slides, detail["images"], strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        boxes = [s for s in slide.shapes if s.has_text_frame]
        assert len(pictures) == 1 and slide.shapes[0] == pictures[0]  # the image is behind
        # Every line read, in reading order, each box starting where its first line's ink did
        # (the placement is tested closely in test_drafts.py).
        lines = [line for block in image["ocr"]["blocks"] for line in block["lines"]]
        assert [p.text for box in boxes for p in box.text_frame.paragraphs] == [
            line["text"] for line in lines
        ]
        picture = pictures[0]
        starts = {line["text"]: line["bbox"] for line in lines}
        for box in boxes:
            x0, y0, _, _ = starts[box.text_frame.paragraphs[0].text]
            assert abs(box.left + 91440 - (picture.left + x0 * picture.width)) <= width * 0.01
            assert box.top <= picture.top + y0 * picture.height <= box.top + box.height
    spec = client.get(deck["links"]["spec"], headers=user.auth).get_json()
    assert spec["template_id"] == "clean" and len(spec["slides"]) == 2


EDITED = {
    "template_id": "midnight",
    "title": "회의 노트 — Meeting notes",
    "slides": [
        {
            "layout": "title",
            "elements": [
                {
                    "type": "text",
                    "text": "자료 정리",
                    "x": 0.1,
                    "y": 0.1,
                    "w": 0.8,
                    "h": 0.2,
                    "font": "Noto Serif CJK KR",
                    "size": 44,
                    "bold": True,
                    "color": "#2DD4BF",
                    "align": "center",
                },
                {
                    "type": "text",
                    "text": "Notes from Monday\n월요일 회의",
                    "x": 0.1,
                    "y": 0.4,
                    "w": 0.5,
                    "h": 0.3,
                    "font": "Noto Sans CJK KR",
                    "size": 20,
                    "italic": True,
                    "underline": True,
                    "color": "#F1F5F9",
                    "align": "left",
                },
            ],
        },
        {
            "layout": "two_column",
            "elements": [
                {
                    "type": "text",
                    "text": "왼쪽 " * 400,
                    "x": 0.05,
                    "y": 0.2,
                    "w": 0.42,
                    "h": 0.7,
                    "size": 14,
                    "align": "justify",
                },
                {
                    "type": "text",
                    "text": "Right column",
                    "x": 0.53,
                    "y": 0.2,
                    "w": 0.42,
                    "h": 0.7,
                    "font": "DejaVu Sans",
                    "size": 18,
                    "color": "#FF8800",
                    "align": "right",
                },
            ],
        },
    ],
}


def test_edited_spec_is_built_to_the_emu_with_fonts_sizes_colours_and_hangul_typefaces(
    client, make_user, deck_worker
):
    user = make_user()
    response = client.post("/v1/decks", json=EDITED, headers=user.auth)
    assert response.status_code == 202, response.get_json()
    deck = _finished(client, user, response.headers["Location"])

    deck_file = _download(client, user, deck)
    width, height = deck_file.slide_width, deck_file.slide_height
    assert (width, height) == (12_192_000, 6_858_000)  # 16:9
    for slide, slide_spec in zip(deck_file.slides, EDITED["slides"], strict=True):
        shapes = list(slide.shapes)
        assert len(shapes) == len(slide_spec["elements"])  # no leftover placeholders
        for shape, element in zip(shapes, slide_spec["elements"], strict=True):
            assert abs(shape.left - element["x"] * width) <= 1
            assert abs(shape.top - element["y"] * height) <= 1
            assert abs(shape.width - element["w"] * width) <= 1
            assert abs(shape.height - element["h"] * height) <= 1
            assert shape.text_frame.text == element["text"]
            assert shape.text_frame.word_wrap is True
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    font = run.font
                    assert font.size == Pt(element["size"])
                    assert bool(font.bold) == element.get("bold", False)
                    assert bool(font.italic) == element.get("italic", False)
                    assert bool(font.underline) == element.get("underline", False)
                    if "color" in element:
                        assert str(font.color.rgb) == element["color"][1:].upper()
                    typeface = element.get("font", "Noto Sans CJK KR")  # midnight's theme font
                    assert font.name == typeface
                    assert run._r.rPr.find(f"{A}ea").get("typeface") == typeface
    assert deck_file.core_properties.title == EDITED["title"]

    disposition = client.get(deck["links"]["file"], headers=user.auth).headers[
        "Content-Disposition"
    ]
    assert disposition.startswith('attachment; filename="')
    assert f"filename*=UTF-8''{quote('회의-노트-meeting-notes.pptx')}" in disposition


def test_deck_converts_to_pdf_and_its_previews_show_the_slides(client, make_user, deck_worker):
    user = make_user()
    response = client.post("/v1/decks", json=EDITED, headers=user.auth)
    _finished(client, user, response.headers["Location"])
    deck = with_previews(client, user, response.headers["Location"])
    assert deck["previews_status"] == "ready"
    data = client.get(deck["links"]["file"], headers=user.auth).data

    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "deck.pptx").write_bytes(data)
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{work}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                work,
                f"{work}/deck.pptx",
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        assert (Path(work) / "deck.pdf").read_bytes().startswith(b"%PDF")

    assert len(deck["previews"]) == 2
    first = client.get(deck["previews"][0], headers=user.auth)
    assert first.status_code == 200 and first.mimetype == "image/png"
    picture = Image.open(io.BytesIO(first.data)).convert("RGB")
    assert abs(picture.width / picture.height - 16 / 9) < 0.02
    # midnight's navy background, and light text drawn on it (the Korean title among it)
    assert picture.getpixel((5, 5)) == (15, 23, 42)
    assert len(picture.crop((0, 0, picture.width, picture.height // 3)).getcolors(100_000)) > 10
    assert client.get(deck["previews"][0][:-1] + "9", headers=user.auth).status_code == 404


def test_a_deck_downloads_while_its_previews_are_made_and_previews_ready_follows(
    client, make_user, deck_worker, probe, monkeypatch
):
    release, rendering = threading.Event(), threading.Event()
    real_render = render.to_pngs

    def held_render(*args, **kwargs):
        rendering.set()
        assert release.wait(timeout=60)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(render, "to_pngs", held_render)
    user = make_user()
    location = client.post("/v1/decks", json=EDITED, headers=user.auth).headers["Location"]

    deck = _finished(client, user, location)  # ?wait does not wait for the previews
    assert rendering.wait(timeout=60)

    assert (deck["previews_status"], "previews" in deck) == ("pending", False)
    assert len(_download(client, user, deck).slides) == 2
    pending = client.get(f"{location}/previews/1", headers=user.auth)
    assert (pending.status_code, pending.headers["Retry-After"]) == (409, "2")
    assert pending.get_json()["previews_status"] == "pending"
    release.set()
    seen = probe.until("jaryo.deck.previews_ready.v1", timeout=120)
    built = [e.type for e, p in seen if e.type != "jaryo.deck.requested.v1"]
    assert built == ["jaryo.deck.completed.v1", "jaryo.deck.previews_ready.v1"]
    ready = [p for e, p in seen if e.type == "jaryo.deck.previews_ready.v1"]
    assert [(p.deck_id, p.revision, p.preview_count) for p in ready] == [(deck["deck_id"], 1, 2)]
    deck = client.get(location, headers=user.auth).get_json()
    assert (deck["previews_status"], len(deck["previews"])) == ("ready", 2)
    assert client.get(deck["previews"][1], headers=user.auth).mimetype == "image/png"


MALFORMED = [
    ({}, "/template_id"),
    ({"template_id": "clean", "slides": []}, "/title"),
    ({"template_id": "clean", "title": "t", "slides": []}, "/slides"),
    ({"template_id": "clean", "title": "", "slides": [{}]}, "/title"),
    ({"template_id": "clean", "title": "t", "slides": [{"layout": "fancy"}]}, "/slides/0/layout"),
    ({"template_id": "clean", "title": "t", "slides": [{}] * 201}, "/slides"),
    (
        {"template_id": "clean", "title": "t", "slides": [{"elements": [{"type": "video"}]}]},
        "/slides/0/elements/0",
    ),
]
TEXT = {"type": "text", "text": "hi", "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}
for field, value in [
    ("x", 1.5),
    ("y", -0.1),
    ("w", 0),
    ("h", "tall"),
    ("size", 0),
    ("size", 1000),
    ("color", "red"),
    ("color", "#12345"),
    ("align", "middle"),
    ("bold", "yes"),
    ("text", "x" * 20_001),
    ("font", "<script>"),
    ("unknown", 1),
]:
    MALFORMED.append(
        (
            {
                "template_id": "clean",
                "title": "t",
                "slides": [{}, {}, {}, {"elements": [{**TEXT, field: value}]}],
            },
            f"/slides/3/elements/0/{field}",
        )
    )
MALFORMED += [
    (
        {
            "template_id": "clean",
            "title": "t",
            "slides": [{"elements": [{**TEXT, "x": 0.9, "w": 0.2}]}],
        },
        "/slides/0/elements/0",
    ),
    (
        {"template_id": "clean", "title": "t", "slides": [{"elements": [TEXT] * 101}]},
        "/slides/0/elements",
    ),
    (
        {
            "template_id": "clean",
            "title": "t",
            "slides": [{"elements": [{"type": "image", "x": 0, "y": 0, "w": 1, "h": 1}]}],
        },
        "/slides/0/elements/0/image_id",
    ),
    ({"template_id": "clean", "title": "t", "from_upload": ""}, "/from_upload"),
    # Characters XML 1.0 forbids cannot be kept in a .pptx, in any string of the spec.
    ({"template_id": "clean", "title": "a\u0001b", "slides": [{}]}, "/title"),
    ({"template_id": "clean", "title": "\ud800", "slides": [{}]}, "/title"),
    ({"template_id": "clean\u0000", "title": "t", "slides": [{}]}, "/template_id"),
    (
        {
            "template_id": "clean",
            "title": "t",
            "slides": [{}, {"elements": [{**TEXT, "text": "\ufffe"}]}],
        },
        "/slides/1/elements/0/text",
    ),
    (
        {
            "template_id": "clean",
            "title": "t",
            "slides": [{"elements": [{**TEXT, "font": "Noto\u001f"}]}],
        },
        "/slides/0/elements/0/font",
    ),
    (
        {
            "template_id": "clean",
            "title": "t",
            "slides": [
                {
                    "elements": [
                        {"type": "image", "image_id": "\uffff", "x": 0, "y": 0, "w": 1, "h": 1}
                    ]
                }
            ],
        },
        "/slides/0/elements/0/image_id",
    ),
    ({"template_id": "clean", "title": "\u0008", "from_upload": "u1"}, "/title"),
]


@pytest.mark.parametrize(("body", "pointer"), MALFORMED)
def test_malformed_deck_request_is_422_pointing_at_the_field(client, make_user, db, body, pointer):
    user = make_user()
    response = client.post("/v1/decks", json=body, headers=user.auth)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["pointer"] == pointer, problem
    assert db.decks.count_documents({"user_id": user.user_id}) == 0


def test_unknown_template_or_image_is_404_and_other_users_never_see_a_deck(
    client, make_user, deck_worker, db
):
    owner, other = make_user(), make_user()
    slide = {"elements": [{"type": "image", "image_id": "nope", "x": 0, "y": 0, "w": 1, "h": 1}]}
    unknown_image = client.post(
        "/v1/decks",
        json={"template_id": "clean", "title": "t", "slides": [slide]},
        headers=owner.auth,
    )
    assert unknown_image.status_code == 404
    assert unknown_image.get_json()["pointer"] == "/slides/0/elements/0/image_id"
    unknown_template = client.post(
        "/v1/decks", json={**EDITED, "template_id": "glitter"}, headers=owner.auth
    )
    assert unknown_template.status_code == 404
    assert db.decks.count_documents({"user_id": owner.user_id}) == 0

    location = client.post("/v1/decks", json=EDITED, headers=owner.auth).headers["Location"]
    _finished(client, owner, location)
    deck = with_previews(client, owner, location)
    urls = [location, deck["links"]["file"], deck["links"]["spec"], deck["previews"][0]]
    for url in urls:
        assert client.get(url, headers=owner.auth).status_code == 200, url
        response = client.get(url, headers=other.auth)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"
    assert client.delete(location, headers=other.auth).status_code == 404
    assert client.get("/v1/decks", headers=other.auth).get_json()["items"] == []

    listed = client.get("/v1/decks", headers=owner.auth).get_json()["items"]
    assert [d["deck_id"] for d in listed] == [deck["deck_id"]]
    assert client.delete(location, headers=owner.auth).status_code == 204
    assert client.get(location, headers=owner.auth).status_code == 404


def test_templates_are_listed_with_layouts_and_a_png_preview(client, make_user):
    user = make_user()
    items = client.get("/v1/templates", headers=user.auth).get_json()["items"]
    assert len(items) >= 4
    for template in items:
        assert set(template["layouts"]) >= {"title", "title_body", "two_column", "image_caption"}
        preview = client.get(template["preview_url"], headers=user.auth)
        assert preview.status_code == 200 and preview.mimetype == "image/png"
        assert Image.open(io.BytesIO(preview.data)).size[0] > 300
    assert client.get("/v1/templates/glitter/preview", headers=user.auth).status_code == 404
    assert client.get("/v1/templates").status_code == 401


def test_image_element_uses_the_callers_stored_image(client, make_user, workers, deck_worker):
    user = make_user()
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes(320, 180, "orange")), "photo.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]
    upload = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
    image_id = upload["images"][0]["image_id"]
    spec = {
        "template_id": "bold",
        "title": "photo",
        "slides": [
            {
                "layout": "image_caption",
                "elements": [
                    {
                        "type": "image",
                        "image_id": image_id,
                        "x": 0.25,
                        "y": 0.2,
                        "w": 0.5,
                        "h": 0.5,
                    },
                    {"type": "text", "text": "caption", "x": 0.25, "y": 0.75, "w": 0.5, "h": 0.1},
                ],
            },
        ],
    }
    location = client.post("/v1/decks", json=spec, headers=user.auth).headers["Location"]
    deck_file = _download(client, user, _finished(client, user, location))
    picture = deck_file.slides[0].shapes[0]
    assert Image.open(io.BytesIO(picture.image.blob)).getpixel((5, 5)) == (255, 165, 0)


def _pptx_with(change) -> bytes:
    """The clean built-in template, changed by `change(presentation)` or at the package level."""
    from jaryo_shared.templates import BUILTIN

    presentation = Presentation(str(BUILTIN["clean"].pptx_path))
    change(presentation)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def _macro_enabled() -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_pptx_with(lambda p: None)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"presentationml.presentation.main+xml",
                    b"ms-powerpoint.presentation.macroEnabled.main+xml",
                )
            target.writestr(item, data)
        target.writestr("ppt/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def _with_external_link(presentation) -> None:
    run = presentation.slides[0].shapes.title.text_frame.paragraphs[0].runs[0]
    run.hyperlink.address = "https://example.com/tracker"


def _post_template(client, user, data: bytes, name: str = "mine.pptx"):
    return client.post(
        "/v1/templates",
        data={"template": (io.BytesIO(data), name), "name": "My brand"},
        headers=user.auth,
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("make", "status", "says"),
    [
        (lambda: b"just some text, not a presentation", 422, "not a .pptx"),
        (_macro_enabled, 422, "macro"),
        (lambda: _pptx_with(_with_external_link), 422, "outside the file"),
        (lambda: b"PK\x03\x04" + b"\x00" * 100, 422, "not a .pptx"),
    ],
)
def test_unacceptable_template_is_refused_and_leaves_nothing(
    client, make_user, db, store, settings, make, status, says
):
    user = make_user()
    response = _post_template(client, user, make())
    assert response.status_code == status, response.get_json()
    assert says in response.get_json()["detail"]
    assert db.templates.count_documents({"user_id": user.user_id}) == 0
    assert list(store.keys(settings.bucket_decks, f"{user.user_id}/")) == []


def test_private_template_is_checked_used_and_deleted_by_its_owner_only(
    client, make_user, deck_worker, db, store, settings
):
    owner, other = make_user(), make_user()
    added = _post_template(client, owner, _pptx_with(lambda p: None))
    assert added.status_code == 201, added.get_json()
    template = added.get_json()
    assert template["private"] is True and template["name"] == "My brand"
    assert set(template["layouts"]) >= {"title", "title_body", "two_column", "image_caption"}
    listed = client.get("/v1/templates", headers=owner.auth).get_json()["items"]
    assert template["template_id"] in [t["template_id"] for t in listed]
    others = client.get("/v1/templates", headers=other.auth).get_json()["items"]
    assert template["template_id"] not in [t["template_id"] for t in others]

    spec = {**EDITED, "template_id": template["template_id"]}
    assert client.post("/v1/decks", json=spec, headers=other.auth).status_code == 404
    location = client.post("/v1/decks", json=spec, headers=owner.auth).headers["Location"]
    deck_file = _download(client, owner, _finished(client, owner, location))
    assert len(deck_file.slides) == 2

    path = f"/v1/templates/{template['template_id']}"
    assert client.delete(path, headers=other.auth).status_code == 404
    assert client.delete("/v1/templates/clean", headers=owner.auth).status_code == 403
    assert client.delete(path, headers=owner.auth).status_code == 204
    assert db.templates.count_documents({"user_id": owner.user_id}) == 0
    assert not [k for k in store.keys(settings.bucket_decks, f"{owner.user_id}/templates/")]


def test_template_over_the_size_limit_is_413(client, make_user, app):
    user = make_user()
    limit = app.extensions["jaryo"].settings.max_template_bytes
    response = _post_template(client, user, b"PK\x03\x04" + b"\x00" * limit)
    assert response.status_code == 413


def test_deck_still_downloads_after_its_upload_and_staged_files_are_gone(
    client, make_user, workers, deck_worker, store, settings
):
    user = make_user()
    upload_id = _read_upload(client, user)
    location = client.post(
        "/v1/decks",
        json={
            "template_id": "paper",
            "title": "keep me",
            "from_upload": upload_id,
            "with_images": True,
        },
        headers=user.auth,
    ).headers["Location"]
    _finished(client, user, location)
    deck = with_previews(client, user, location)
    before = client.get(deck["links"]["file"], headers=user.auth).data

    # What retention does to an upload days later: staging purged, the upload deleted.
    store.delete_prefix(settings.bucket_staging, f"{user.user_id}/")
    assert client.delete(f"/v1/uploads/{upload_id}", headers=user.auth).status_code == 204

    after = client.get(deck["links"]["file"], headers=user.auth)
    assert after.status_code == 200 and after.data == before
    assert client.get(deck["previews"][0], headers=user.auth).status_code == 200


def test_without_libreoffice_the_deck_completes_and_previews_say_unavailable(
    client, make_user, deck_worker, monkeypatch
):
    monkeypatch.setenv("PATH", "/nonexistent")  # soffice and pdftoppm cannot be found
    user = make_user()
    location = client.post("/v1/decks", json=EDITED, headers=user.auth).headers["Location"]

    deck = _finished(client, user, location)

    assert (deck["previews_status"], deck["previews"]) == ("unavailable", "unavailable")
    assert len(_download(client, user, deck).slides) == 2
    missing = client.get(f"{location}/previews/1", headers=user.auth)
    assert missing.status_code == 404 and "unavailable" in missing.get_json()["detail"]


def _stored_image(client, user) -> tuple[str, str]:
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes(320, 180, "orange")), "photo.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]
    upload = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
    return upload_id, upload["images"][0]["image_id"]


def test_images_of_a_deleted_upload_cannot_go_into_a_new_deck(client, make_user, workers, db):
    """Deleted means gone for every route: 404, as GET of the image answers, never a copy."""
    user = make_user()
    upload_id, image_id = _stored_image(client, user)
    assert client.delete(f"/v1/uploads/{upload_id}", headers=user.auth).status_code == 204

    element = {"type": "image", "image_id": image_id, "x": 0, "y": 0, "w": 1, "h": 1}
    spec = {"template_id": "clean", "title": "t", "slides": [{"elements": [element]}]}
    placed = client.post("/v1/decks", json=spec, headers=user.auth)
    drafted = client.post(
        "/v1/decks",
        json={"template_id": "clean", "title": "t", "from_upload": upload_id, "with_images": True},
        headers=user.auth,
    )

    assert placed.status_code == 404, placed.get_json()
    assert placed.get_json()["pointer"] == "/slides/0/elements/0/image_id"
    assert drafted.status_code == 404 and drafted.get_json()["pointer"] == "/from_upload"
    assert db.decks.count_documents({"user_id": user.user_id}) == 0


def test_spec_too_large_to_keep_is_413_problem(client, make_user, db):
    user = make_user()
    text = {**TEXT, "text": "x" * 19_000}
    spec = {"template_id": "clean", "title": "t", "slides": [{"elements": [text] * 100}] * 9}

    response = client.post("/v1/decks", json=spec, headers=user.auth)  # 17 MB

    assert response.status_code == 413, response.status_code
    assert response.mimetype == "application/problem+json"
    assert "at most" in response.get_json()["detail"]
    assert db.decks.count_documents({"user_id": user.user_id}) == 0


def test_draft_of_a_page_with_more_blocks_than_a_slide_holds_is_built(
    client, make_user, workers, deck_worker, db
):
    """A page of 150 sticky notes reads as 150 blocks; a slide holds 100 elements. The draft
    merges neighbouring blocks so it is a valid deck, with every word on it."""
    user = make_user()
    upload_id, image_id = _stored_image(client, user)
    blocks = [
        {
            "bbox": [(n % 15) / 15, (n // 15) / 10, (n % 15 + 0.8) / 15, (n // 15 + 0.8) / 10],
            "lines": [
                {
                    "bbox": [
                        (n % 15) / 15,
                        (n // 15) / 10,
                        (n % 15 + 0.8) / 15,
                        (n // 15 + 0.5) / 10,
                    ],
                    "text": f"note{n}",
                    "confidence": 90.0,
                    "words": [],
                }
            ],
        }
        for n in range(150)
    ]
    # What the OCR service stored for such a page (the fixture image itself is blank).
    db.ocr_results.update_one({"_id": image_id}, {"$set": {"blocks": blocks}})

    response = client.post(
        "/v1/decks",
        json={
            "template_id": "clean",
            "title": "notes",
            "from_upload": upload_id,
            "with_images": True,
        },
        headers=user.auth,
    )

    assert response.status_code == 202, response.get_json()
    deck = _finished(client, user, response.headers["Location"])
    slide = _download(client, user, deck).slides[0]
    assert len(slide.shapes) <= 100
    text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert sorted(text.split()) == sorted(f"note{n}" for n in range(150))
