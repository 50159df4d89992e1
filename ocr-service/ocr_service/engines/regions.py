"""Reading a page region by region: the PP-OCRv4 detector finds the text lines, they are
grouped into blocks and put in reading order (layout.geometry), and Tesseract reads each line's
crop on its own, so columns and table cells never merge. Each line gets its style
(layout.style) and its tight ink box.

Images too small to have a layout (a word, a sign) and images where the detector finds no line
are read whole by Tesseract's own two-pass path. Measured in docs/ocr.md.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from jaryo_shared.ocr_result import Block, Line, Page, Word, fraction_box
from ocr_service.engines.base import EngineTimeout
from ocr_service.engines.tesseract import LineReading, TesseractEngine
from ocr_service.layout import geometry
from ocr_service.layout.detector import LineDetector
from ocr_service.layout.geometry import Box
from ocr_service.layout.style import FontFiles, as_array, ink_of, line_style, snapped

VERTICAL = 1.5  # a line box taller than this many times its width holds vertical text
SMALL_SIDE = 300  # an image whose short side is smaller is a crop: read whole
PAD = 0.15  # of the line's height, around its crop
SMALL_LINE = 40  # lines lower than this (pixels) are upscaled before reading ...
READ_HEIGHT = 48  # ... to this height, where Tesseract reads small and bold type best
UNSURE = 80.0  # a line read less surely is read again with a margin ...
MARGIN = 0.5  # ... of the line's height: background added around the crop before reading
MIN_LINE_CONFIDENCE = 30.0
LOW_WORD_CONFIDENCE = 60.0


@dataclass(frozen=True)
class _ReadLine:
    box: Box  # the ink's, or the detector's when no ink was told apart
    reading: LineReading
    line: Line


class RegionEngine:
    name = "tesseract"  # the text is Tesseract's; the detector only finds where it is

    def __init__(self, detector: LineDetector, tesseract: TesseractEngine, fonts: FontFiles):
        self._detector = detector
        self._tesseract = tesseract
        self._fonts = fonts

    def read(self, image: Image.Image, language: str, *, dpi: int, timeout_seconds: float) -> Page:
        deadline = time.monotonic() + timeout_seconds  # the detector's time counts too
        whole = min(image.size) < SMALL_SIDE
        found = [] if whole else geometry.join_rows(self._detector.lines(image))
        # Vertical text (taller than wide) is left alone: Tesseract reads it as noise.
        found = [box for box in found if geometry.height(box) <= VERTICAL * (box[2] - box[0])]
        if not found:
            return self._whole(image, language, dpi, deadline)
        pixels = as_array(image)
        blocks: list[Block] = []
        groups = geometry.group_blocks(found)
        for index in geometry.reading_order([geometry.union(group) for group in groups]):
            read = [self._line(image, pixels, box, language, deadline) for box in groups[index]]
            kept = [line for line in read if line is not None]
            if kept:
                blocks.append(self._block(kept, image.width, image.height))
        if not blocks:  # lines found but none read surely (faint or handwritten): read whole
            return self._whole(image, language, dpi, deadline)
        text = "\n\n".join("\n".join(line.text for line in block.lines) for block in blocks)
        return Page(text=text, blocks=blocks)

    def _whole(self, image: Image.Image, language: str, dpi: int, deadline: float) -> Page:
        left = deadline - time.monotonic()
        if left <= 0:
            raise EngineTimeout("no time left to read the image whole")
        return self._tesseract.read(image, language, dpi=dpi, timeout_seconds=left)

    def _line(
        self, image: Image.Image, pixels: np.ndarray, box: Box, language: str, deadline: float
    ) -> _ReadLine | None:
        if time.monotonic() >= deadline:
            raise EngineTimeout("no time left for the next line")
        crop = _Crop.around(image, box)
        reading = self._read(crop, language, deadline)
        if reading.confidence < MIN_LINE_CONFIDENCE or not any(c.isalnum() for c in reading.text):
            return None
        ink = ink_of(pixels, box, crop.pad)
        tight = ink.box if ink is not None else box
        style = line_style(ink, reading.text, self._fonts, image.height) if ink else None
        boxes = [crop.placed(word.box) for word in reading.words]
        if ink is not None:
            boxes = snapped(ink, boxes)
        words = [
            Word(
                bbox=fraction_box(word_box, image.width, image.height),
                text=word.text,
                confidence=round(word.confidence, 2),
                low_confidence=word.confidence < LOW_WORD_CONFIDENCE,
            )
            for word, word_box in zip(reading.words, boxes, strict=True)
        ]
        line = Line(
            bbox=fraction_box(tight, image.width, image.height),
            text=_bulleted(reading.text),
            confidence=round(reading.confidence, 2),
            words=words,
            style=style,
        )
        return _ReadLine(tight, reading, line)

    def _read(self, crop: _Crop, language: str, deadline: float) -> LineReading:
        """The crop read; an unsure reading again with a margin of the background's colour
        (Tesseract misreads some lines whose text comes close to the crop's edge)."""
        reading = self._tesseract.read_line(crop.image, language, deadline=deadline)
        if reading.confidence >= UNSURE:
            return reading
        margined = crop.with_margin()
        again = self._tesseract.read_line(margined.image, language, deadline=deadline)
        if again.confidence > reading.confidence:
            crop.margin = margined.margin
            return again
        return reading

    @staticmethod
    def _block(lines: list[_ReadLine], width: int, height: int) -> Block:
        boxes = [line.box for line in lines]
        return Block(
            bbox=fraction_box(geometry.union(boxes), width, height),
            lines=[line.line for line in lines],
            align=geometry.alignment(boxes),
        )


BULLET = re.compile(r"^(?:[•·ㆍ◦▪■。]\s*|[*∗＊]\s+)(?=\S)")  # "*args" stays


def _bulleted(text: str) -> str:
    """A list item's bullet, which Tesseract reads as *, · or ㆍ, as the bullet it is."""
    return BULLET.sub("• ", text)


@dataclass
class _Crop:
    """A line's crop as Tesseract reads it: padded, upscaled when small, maybe margined."""

    image: Image.Image
    box: Box  # the padded crop, in the image's pixels
    pad: int
    scale: float
    tall: int
    margin: int = 0

    @classmethod
    def around(cls, image: Image.Image, line: Box) -> _Crop:
        tall = geometry.height(line)
        pad = max(2, round(PAD * tall))
        box = (
            max(0, line[0] - pad),
            max(0, line[1] - pad),
            min(image.width, line[2] + pad),
            min(image.height, line[3] + pad),
        )
        crop = image.crop(box)
        scale = READ_HEIGHT / tall if tall < SMALL_LINE else 1.0
        if scale != 1.0:
            size = (round(crop.width * scale), round(crop.height * scale))
            crop = crop.resize(size, Image.Resampling.LANCZOS)
        return cls(crop, box, pad, scale, tall)

    def with_margin(self) -> _Crop:
        margin = round(MARGIN * self.tall * self.scale)
        rgb = self.image.convert("RGB")
        margined = ImageOps.expand(rgb, border=margin, fill=_edge_colour(rgb))
        return _Crop(margined, self.box, self.pad, self.scale, self.tall, margin)

    def placed(self, box: Box) -> Box:
        """A box in the read crop's pixels → the image's pixels."""
        x, y = self.box[0], self.box[1]
        return (
            x + round((box[0] - self.margin) / self.scale),
            y + round((box[1] - self.margin) / self.scale),
            x + round((box[2] - self.margin) / self.scale),
            y + round((box[3] - self.margin) / self.scale),
        )


def _edge_colour(crop: Image.Image) -> tuple[int, ...]:
    """The median colour of the crop's outermost pixels: the background around the line."""
    pixels = np.asarray(crop)
    edge = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return tuple(int(v) for v in np.median(edge, axis=0))
