"""The images `make draft-eval` drafts: the slides of samples/slides (no ground truth) and the
OCR dev set of samples/ocr (with its truth), each with the image type a client would upload
it as, from its manifest's language (and style)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ocr_service.evaluate import IMAGE_TYPES
from ocr_service.reader import LANGUAGES

SETS = ("slides", "ocr")
SLIDE_TYPES = {"kor": "kor-printed", "eng": "eng-printed"}


@dataclass(frozen=True)
class Sample:
    set: str  # "slides" or "ocr"
    path: Path
    image_type: str
    truth: str | None  # the OCR dev set's ground truth

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def language(self) -> str:
        """The Tesseract languages the OCR service reads this image type with."""
        return LANGUAGES[self.image_type]


def samples(root: Path, only: str | None = None) -> list[Sample]:
    """The slides, then the OCR dev set (or only one of them), in manifest order."""
    found = []
    if only in (None, "slides"):
        found += _slides(root / "slides")
    if only in (None, "ocr"):
        found += _ocr(root / "ocr")
    return found


def _slides(folder: Path) -> list[Sample]:
    return [
        Sample("slides", folder / entry["file"], SLIDE_TYPES[entry["language"]], None)
        for entry in _manifest(folder)
    ]


def _ocr(folder: Path) -> list[Sample]:
    return [
        Sample(
            "ocr",
            folder / entry["file"],
            IMAGE_TYPES[(entry["lang"], entry["style"])],
            (folder / entry["truth_file"]).read_text(encoding="utf-8"),
        )
        for entry in _manifest(folder)
    ]


def _manifest(folder: Path) -> list[dict[str, str]]:
    return list(json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
