"""The OCR service's settings."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field

from jaryo_shared.settings import Settings


class OcrSettings(Settings):
    service_name: str = "ocr-service"
    tessdata_dir: Path = Field(
        default=Path.home() / ".cache/jaryo/tessdata-best_int-1.0.0",
        description="Tesseract language data (kor, eng); scripts/install.sh fetches best_int",
    )
    doctr_dir: Path | None = Field(
        default=None, description="docTR weights; unset or incomplete keeps docTR off"
    )
    ocr_timeout_seconds: float = Field(default=120.0, gt=0, description="per image")
    ocr_max_attempts: int = Field(
        default=2, ge=1, description="tries of one image (crashes included) before it is failed"
    )
    ocr_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    max_image_pixels: int = Field(
        default=64_000_000, gt=0, description="larger images are refused before decoding"
    )
    font_regular: Path = Field(
        default=Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        description="the drafts' font (Debian fonts-noto-cjk), to fit line sizes in",
    )
    font_bold: Path = Field(default=Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"))
    ocr_read_pixels: int = Field(
        default=16_000_000,
        gt=0,
        description="larger images are read scaled down to about this many pixels, which bounds "
        "the engine's memory (an A4 page at 400 dpi is 15.5 million)",
    )
    ocr_capture: bool = Field(
        default=True,
        description="read a photo's document flattened (find the page, straighten it, even "
        "its light: ocr_service.capture), and store that page beside the original; off, a "
        "photo is read as it is unless the person gives its corners",
    )
