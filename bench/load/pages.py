"""The pages the load test uploads: document pages as a phone or a scanner would send them, a
title and a paragraph of English or Korean prose rendered with Pillow, as JPEG or PNG."""

from __future__ import annotations

import io
import random
import textwrap
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bench.ocr import SENTENCES

# Noto Sans CJK KR (Debian's fonts-noto-cjk, which the OCR service's drafts need too) covers both
# Hangul and Latin; index 1 of the collection is its KR face.
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_KR_INDEX = 1
KOREAN_SENTENCES = [
    "이번 분기 매출은 작년 같은 기간보다 십이 퍼센트 늘었습니다.",
    "새 온보딩 과정으로 첫 업로드까지 걸리는 시간이 사 분에서 일 분으로 줄었습니다.",
    "모든 이미지는 독립된 서비스가 나누어 정규화하고 저장하고 읽습니다.",
    "고객들은 더 빠른 내보내기와 손글씨 지원, 공유 템플릿을 요청했습니다.",
    "팀은 목요일에 로드맵을 검토하고 금요일 아침에 회의록을 공유합니다.",
    "지연 시간은 게이트웨이에서 측정하여 칠 일 동안의 중앙값으로 보고합니다.",
    "법무팀과의 회의에 계약서 인쇄본을 가져와 주시기 바랍니다.",
    "할 일: 가격 페이지 수정, 기존 계정 이전, 베타 API 종료.",
    "워크숍 화이트보드 사진에는 세 가지 위험과 두 가지 질문이 적혀 있습니다.",
    "썸네일을 WebP로 바꾸고 원본을 보관 등급으로 옮긴 뒤 저장 비용이 줄었습니다.",
]


@dataclass(frozen=True)
class Page:
    """One file to upload: its bytes, name, media type and the image type to ask OCR for."""

    data: bytes
    filename: str
    media_type: str
    image_type: str


def english_page(seed: int) -> Page:
    """A 1200x800 PNG, as a screenshot or a scanner sends a page: a title and a dozen lines."""
    rng = random.Random(seed)
    title = " ".join(rng.choice(SENTENCES).split()[:5]).rstrip(",.:")
    lines = textwrap.wrap(" ".join(rng.sample(SENTENCES, 6)), width=62)[:13]
    image = _page((1200, 800), title, lines, ImageFont.load_default(size=44), 28)
    return Page(_encode(image, "PNG"), f"page-en-{seed}.png", "image/png", "eng-printed")


def korean_page(seed: int) -> Page:
    """A 1280x960 JPEG, as a phone photo of a slide: a Korean title and Korean lines (with the
    English words such slides carry), slightly off-white, as a camera sees paper."""
    rng = random.Random(seed)
    title = rng.choice(KOREAN_SENTENCES).split(".")[0][:18]
    lines = textwrap.wrap(" ".join(rng.sample(KOREAN_SENTENCES, 8)), width=34)[:14]
    title_font = ImageFont.truetype(CJK_FONT, 44, index=CJK_KR_INDEX)
    image = _page((1280, 960), title, lines, title_font, 30, cjk=True, paper=(246, 244, 238))
    return Page(_encode(image, "JPEG"), f"page-ko-{seed}.jpg", "image/jpeg", "mixed-printed")


def _page(
    size: tuple[int, int],
    title: str,
    lines: list[str],
    title_font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    body_size: int,
    cjk: bool = False,
    paper: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    body_font = (
        ImageFont.truetype(CJK_FONT, body_size, index=CJK_KR_INDEX)
        if cjk
        else ImageFont.load_default(size=body_size)
    )
    page = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(page)
    draw.text((80, 50), title, fill="black", font=title_font)
    pitch = int(body_size * 1.7)
    for n, line in enumerate(lines):
        draw.text((80, 140 + n * pitch), line, fill=(20, 20, 20), font=body_font)
    return page


def _encode(image: Image.Image, form: str) -> bytes:
    out = io.BytesIO()
    if form == "JPEG":
        image.save(out, "JPEG", quality=85)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def page_pools(count: int = 6) -> dict[str, list[Page]]:
    """`count` distinct pages of each language, rendered once and reused: the load generator
    shares the cluster's cores, so it renders nothing while it measures."""
    return {
        "en": [english_page(n) for n in range(count)],
        "ko": [korean_page(n) for n in range(count)],
    }
