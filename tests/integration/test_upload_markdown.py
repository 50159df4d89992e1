"""An upload's text as Markdown over the real servers (`GET /v1/uploads/{id}/text?format=md`):
images rendered with a table and as a slide are stored and read by the real workers, and come
back as a section each, in upload order, the table as a Markdown table and the bullets as a
list; a blank and a broken image say so; nobody else sees it; a format other than txt or md is
refused; an upload still being read is a 409, as for the plain text."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.helpers import png_bytes

pytestmark = pytest.mark.integration

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
BULLET_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
KOREAN = 1  # the face of the collection with Korean glyphs first (Noto Sans CJK KR)
SALES = [
    ["지역", "매출", "증가율", "담당"],
    ["서울", "1,200", "12%", "김민수"],
    ["부산", "830", "7%", "이서연"],
    ["Online", "2,450", "31%", "Kim"],
]
BULLETS = ["Revenue grew in every region", "Costs held flat", "Hiring resumes in May"]


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size, index=KOREAN)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def table_png() -> bytes:
    """A 16:9 slide with a title over a ruled table of short cells."""
    image = Image.new("RGB", (1600, 900), "white")
    draw = ImageDraw.Draw(image)
    draw.text((100, 60), "2026년 3분기 지역별 매출", font=_font(54), fill="black")
    columns, top, pitch = [100, 520, 900, 1250, 1500], 190, 80
    for r, row in enumerate(SALES):
        for c, cell in enumerate(row):
            draw.text((columns[c] + 20, top + r * pitch + 18), cell, font=_font(34), fill="black")
    bottom = top + len(SALES) * pitch
    for y in range(top, bottom + 1, pitch):
        draw.line([(columns[0], y), (columns[-1], y)], fill="gray", width=2)
    for x in columns:
        draw.line([(x, top), (x, bottom)], fill="gray", width=2)
    return _png(image)


def slide_png() -> bytes:
    """A 16:9 slide: a title and three bullets."""
    image = Image.new("RGB", (1600, 900), "white")
    draw = ImageDraw.Draw(image)
    draw.text((100, 80), "Quarterly review", font=_font(64), fill="black")
    # Tesseract reads Noto CJK's bullet as "+" or "«" as often as not; DejaVu's it reads as one.
    bullet = ImageFont.truetype(BULLET_FONT, 40)
    for n, text in enumerate(BULLETS):
        draw.text((130, 264 + n * 90), "•", font=bullet, fill="black")
        draw.text((165, 260 + n * 90), text, font=_font(40), fill="black")
    return _png(image)


def _upload(client, user, files: dict[str, tuple[bytes, str]]) -> str:
    response = client.post(
        "/v1/uploads",
        data={
            **{field: (io.BytesIO(data), name) for field, (data, name) in files.items()},
            "image_type": "mixed-printed",
        },
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["upload_id"]


def _sections(markdown: str) -> dict[str, str]:
    """Each section's body by its heading, in order."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.MULTILINE)
    assert parts[0] == ""  # nothing before the first section
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


def test_markdown_has_a_section_per_image_in_order_with_the_table_and_the_bullets(
    client, make_user, workers
):
    user = make_user()
    good = table_png()
    upload_id = _upload(
        client,
        user,
        {
            "image0": (good, "sales.png"),
            "image1": (slide_png(), "review.png"),
            "image2": (png_bytes(400, 300), "blank.png"),
            "image3": (good[: len(good) // 2], "cut-short.png"),
        },
    )

    response = client.get(f"/v1/uploads/{upload_id}/text?format=md&wait=60", headers=user.auth)

    assert response.status_code == 200, response.get_json()
    assert response.content_type == "text/markdown; charset=utf-8"
    detail = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()
    assert detail["status"] == "partial"
    sections = _sections(response.get_data(as_text=True))
    names = [image["filename"] for image in detail["images"]]
    assert list(sections) == names  # every image, in upload order

    sales, review, blank, broken = sections.values()
    assert "2026년 3분기 지역별 매출" in sales
    table = [row for row in sales.splitlines() if row.startswith("|")]
    assert table[0] == "| " + " | ".join(SALES[0]) + " |"
    assert table[1] == "| --- | --- | --- | --- |"
    assert table[2:] == ["| " + " | ".join(row) + " |" for row in SALES[1:]]

    assert review.splitlines()[0] == "Quarterly review"
    assert [row for row in review.splitlines() if row.startswith("- ")] == [
        f"- {text}" for text in BULLETS
    ]
    assert "|" not in review  # a slide of a title and bullets has no table

    assert blank == "*No text was found in this image.*"
    assert broken.startswith("*Not read: the image could not be decoded")

    plain = client.get(f"/v1/uploads/{upload_id}/text", headers=user.auth)
    assert plain.content_type == "text/plain; charset=utf-8"  # the default is unchanged
    assert "## " not in plain.get_data(as_text=True)


def test_another_users_upload_has_no_markdown_for_them(client, make_user, workers):
    owner, other = make_user(), make_user()
    upload_id = _upload(client, owner, {"image0": (png_bytes(), "a.png")})

    response = client.get(f"/v1/uploads/{upload_id}/text?format=md&wait=30", headers=other.auth)

    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_a_format_other_than_txt_or_md_is_refused_naming_it(client, make_user):
    user = make_user()
    upload_id = _upload(client, user, {"image0": (png_bytes(), "a.png")})

    response = client.get(f"/v1/uploads/{upload_id}/text?format=html", headers=user.auth)

    assert response.status_code == 422
    problem = response.get_json()
    assert (problem["code"], problem["pointer"]) == ("invalid-input", "/format")


def test_markdown_of_an_upload_still_being_read_is_not_ready(client, make_user, purge_queues):
    purge_queues()  # no workers: the upload stays processing
    user = make_user()
    upload_id = _upload(client, user, {"image0": (png_bytes(), "a.png")})

    response = client.get(f"/v1/uploads/{upload_id}/text?format=md", headers=user.auth)

    assert response.status_code == 409
    problem = response.get_json()
    assert (problem["code"], problem["upload_status"]) == ("not-ready", "processing")
