"""The shape of an image's OCR result: text with its geometry.

What an engine returns and ocr-service keeps in `ocr_results` (one document per image); others
read it through read_models.ocr_results, and the API serves it as the image's `ocr`. Every bbox
is [x0, y0, x1, y1] as fractions (0..1) of the upright image, the frame the deck API uses for
positions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]


class Word(BaseModel):
    model_config = ConfigDict(frozen=True)
    bbox: BBox
    text: str
    confidence: float = Field(ge=0, le=100)
    low_confidence: bool = Field(description="under the threshold: ask the person to check it")


class Line(BaseModel):
    model_config = ConfigDict(frozen=True)
    bbox: BBox
    text: str
    confidence: float = Field(ge=0, le=100)
    words: list[Word]


class Block(BaseModel):
    model_config = ConfigDict(frozen=True)
    bbox: BBox
    lines: list[Line]


class Page(BaseModel):
    """What an engine read on one image."""

    model_config = ConfigDict(frozen=True)
    text: str
    blocks: list[Block]


class OcrResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    status: Literal["done", "failed"]
    engine: str
    language: str
    duration_ms: int = Field(ge=0)
    text: str
    blocks: list[Block]
    reason: str | None = None


def fraction_box(box: tuple[int, int, int, int], width: int, height: int) -> BBox:
    """Pixel box (x0, y0, x1, y1) → fractions of the image, clamped to 0..1."""
    x0, y0, x1, y1 = box

    def clamp(value: float) -> float:
        return round(min(1.0, max(0.0, value)), 5)

    return (clamp(x0 / width), clamp(y0 / height), clamp(x1 / width), clamp(y1 / height))
