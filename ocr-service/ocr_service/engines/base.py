"""What every OCR engine offers: read one upright image in a language, within a time limit."""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from jaryo_shared.ocr_result import Page


class EngineTimeout(Exception):
    """The engine did not finish the image within its time limit."""


class EngineUnavailable(Exception):
    """The engine cannot run here (missing library or weights); the message says what is missing."""


class Engine(Protocol):
    name: str

    def read(self, image: Image.Image, language: str, *, dpi: int, timeout_seconds: float) -> Page:
        """Text with fractional boxes. `language` is a Tesseract-style code ("eng", "kor+eng")."""
        ...
