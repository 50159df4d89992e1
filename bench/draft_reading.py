"""Tesseract's reading of a picture for `make draft-eval`, with the language data the OCR
service uses: its text in reading order (automatic page segmentation, PSM 3) and its lines with
their boxes (sparse text, PSM 11: automatic segmentation finds no text at all on some plain
slides with large type, and runs lines across columns). One engine per language and process,
loaded on first use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tesserocr
from PIL import Image, ImageOps

from bench.draft_metrics import Line, on_white

_apis: dict[str, tesserocr.PyTessBaseAPI] = {}


@dataclass(frozen=True)
class Reading:
    text: str
    lines: list[Line]  # boxes in fractions of the picture


def read(path: Path, language: str, tessdata: Path) -> Reading:
    """The picture's text and lines, upright as a person would see it."""
    image = upright(path)
    api = _api(language, tessdata)
    text = _text(_recognised(api, image, tesserocr.PSM.AUTO))
    lines = _lines(_recognised(api, image, tesserocr.PSM.SPARSE_TEXT), image.size)
    # Where the automatic segmentation saw no text, the sparse reading's lines are the text.
    return Reading(text or "\n".join(line.text for line in lines), lines)


def _recognised(
    api: tesserocr.PyTessBaseAPI, image: Image.Image, mode: int
) -> tesserocr.PyTessBaseAPI:
    """`api` having read `image` anew (setting the image drops the last segmentation)."""
    api.SetPageSegMode(mode)
    api.SetImage(image)
    api.Recognize()
    return api


def upright(path: Path) -> Image.Image:
    """The picture turned as its EXIF orientation says (as the storage service stores it),
    transparent parts white."""
    with Image.open(path) as opened:
        return on_white(ImageOps.exif_transpose(opened))


def _api(language: str, tessdata: Path) -> tesserocr.PyTessBaseAPI:
    api = _apis.get(language)
    if api is None:
        api = _apis[language] = tesserocr.PyTessBaseAPI(
            path=str(tessdata),
            lang=language,
            oem=tesserocr.OEM.LSTM_ONLY,
        )
    return api


def _lines(api: tesserocr.PyTessBaseAPI, size: tuple[int, int]) -> list[Line]:
    width, height = size
    level = tesserocr.RIL.TEXTLINE
    iterator = api.GetIterator()
    if iterator is None:
        return []
    lines = []
    for item in tesserocr.iterate_level(iterator, level):
        box = item.BoundingBox(level)
        text = _text(item, level)
        if box is None or not text:
            continue
        left, top, right, bottom = box
        lines.append(Line(text, (left / width, top / height, right / width, bottom / height)))
    return lines


def _text(source: tesserocr.PyTessBaseAPI | tesserocr.PyResultIterator, *level: int) -> str:
    """Its text, "" when Tesseract found none (it raises then, rather than answer "")."""
    try:
        return str(source.GetUTF8Text(*level) or "").strip()
    except RuntimeError:
        return ""
