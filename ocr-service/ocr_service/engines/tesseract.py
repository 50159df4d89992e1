"""Tesseract 5 through tesserocr, with the layout strategy measured in docs/ocr.md.

Page segmentation mode 3 (automatic layout) keeps the reading order of multi-column pages but
drops text it does not recognise as a text region: big slide titles, signs, crops. Mode 6 (one
block) reads those but mixes columns. So each image is read both ways and mode 3 is kept unless
it lost text that mode 6 read with confidence; lines Tesseract itself is unsure of are dropped.

One loaded API per thread and language, created on first use and reused: never a process per
image. No `SetVariable` calls: Tesseract's variables are process-global.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import tesserocr
from PIL import Image

from jaryo_shared.ocr_result import Block, Line, Page, Word, fraction_box
from ocr_service.engines.base import EngineTimeout, EngineUnavailable

RIL = tesserocr.RIL
PSM = tesserocr.PSM


@dataclass(frozen=True)
class TesseractTuning:
    min_line_confidence: float = 50.0  # lines below are dropped (mostly noise on unreadable crops)
    low_word_confidence: float = 60.0  # words below are flagged for the person to check
    lost_share: float = 0.05  # mode 3 is dropped when it misses this share of mode 6's sure text
    sure_word_confidence: float = 80.0
    sure_line_confidence: float = 101.0  # a line read this surely is not read in another mode


# Raw line, single line, single block: each reads some lines the others return empty or wrong.
LINE_MODES = (PSM.RAW_LINE, PSM.SINGLE_LINE, PSM.SINGLE_BLOCK)
LINE_DPI = 300  # crops are scaled to a known text height, so the stated resolution is fixed


@dataclass
class RawWord:
    box: tuple[int, int, int, int]
    text: str
    confidence: float


@dataclass(frozen=True)
class LineReading:
    text: str
    confidence: float  # -1 when no mode read anything
    words: list[RawWord]


@dataclass
class _RawLine:
    box: tuple[int, int, int, int]
    confidence: float
    text: str
    words: list[RawWord] = field(default_factory=list)


@dataclass
class _RawBlock:
    box: tuple[int, int, int, int]
    lines: list[_RawLine] = field(default_factory=list)


@dataclass
class _Pass:
    text: str
    blocks: list[_RawBlock]

    @property
    def words(self) -> list[RawWord]:
        return [word for block in self.blocks for line in block.lines for word in line.words]


class TesseractEngine:
    name = "tesseract"

    def __init__(self, tessdata_dir: Path, tuning: TesseractTuning | None = None) -> None:
        self._tessdata = str(tessdata_dir)
        self._tuning = tuning or TesseractTuning()
        self._local = threading.local()

    def check(self, languages: tuple[str, ...] = ("eng", "kor+eng")) -> None:
        """Load every language once, so missing data is reported at start-up, not per image."""
        for language in languages:
            self._api(language)

    def read(self, image: Image.Image, language: str, *, dpi: int, timeout_seconds: float) -> Page:
        api = self._api(language)
        deadline = time.monotonic() + timeout_seconds
        layout = self._recognise(api, image, PSM.AUTO, dpi, deadline)
        block = self._recognise(api, image, PSM.SINGLE_BLOCK, dpi, deadline)
        lost = self._lost_share(layout, block)
        chosen = block if not layout.words or lost >= self._tuning.lost_share else layout
        return self._page(chosen, image.width, image.height)

    def read_line(self, image: Image.Image, language: str, *, deadline: float) -> LineReading:
        """One line image (a crop) → its text, confidence and words (boxes in the crop's
        pixels). Raw-line mode first; single-line and single-block modes when it is unsure, as
        each fails on lines the others read (measured in docs/ocr.md): the surest reading wins."""
        api = self._api(language)
        best = LineReading("", -1.0, [])
        for mode in LINE_MODES:
            found = self._recognise(api, image, mode, LINE_DPI, deadline)
            text = found.text.strip()
            confidence = float(api.MeanTextConf())
            if text and confidence > best.confidence:
                best = LineReading(text, confidence, found.words)
            if best.confidence >= self._tuning.sure_line_confidence:
                break
        return best

    def _api(self, language: str) -> tesserocr.PyTessBaseAPI:
        apis: dict[str, tesserocr.PyTessBaseAPI] = self._local.__dict__.setdefault("apis", {})
        if language not in apis:
            try:
                apis[language] = tesserocr.PyTessBaseAPI(
                    path=self._tessdata, lang=language, psm=PSM.AUTO, oem=tesserocr.OEM.LSTM_ONLY
                )
            except RuntimeError as exc:
                raise EngineUnavailable(
                    f"Tesseract could not load {language!r} from {self._tessdata}: {exc}"
                ) from exc
        return apis[language]

    def _recognise(
        self,
        api: tesserocr.PyTessBaseAPI,
        image: Image.Image,
        mode: int,
        dpi: int,
        deadline: float,
    ) -> _Pass:
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        if remaining_ms <= 0:
            raise EngineTimeout("no time left for the next pass")
        api.SetPageSegMode(mode)
        api.SetImage(image)
        api.SetSourceResolution(dpi)
        if not api.Recognize(timeout=remaining_ms):
            api.Clear()
            raise EngineTimeout(f"Tesseract did not finish within {remaining_ms} ms")
        return _Pass(text=api.GetUTF8Text(), blocks=_layout(api))

    def _lost_share(self, layout: _Pass, block: _Pass) -> float:
        """How much of what mode 6 read with confidence is missing from mode 3's words."""
        sure = Counter(
            word.text
            for word in block.words
            if word.confidence >= self._tuning.sure_word_confidence and len(word.text) >= 2
        )
        total = sum(len(text) * count for text, count in sure.items())
        if not total:
            return 0.0
        missing = sure - Counter(word.text for word in layout.words)
        return sum(len(text) * count for text, count in missing.items()) / total

    def _page(self, chosen: _Pass, width: int, height: int) -> Page:
        tuning = self._tuning
        # The iterator splits Hangul words into syllables; GetUTF8Text does not. So line texts
        # come from GetUTF8Text, matched in order to the iterator's lines when the counts agree.
        text_lines = [line for line in chosen.text.splitlines() if line.strip()]
        raw_lines = [line for block in chosen.blocks for line in block.lines]
        if len(text_lines) == len(raw_lines):
            for raw, text in zip(raw_lines, text_lines, strict=True):
                raw.text = text
        blocks: list[Block] = []
        paragraphs: list[str] = []
        for raw_block in chosen.blocks:
            kept = [
                line for line in raw_block.lines if line.confidence >= tuning.min_line_confidence
            ]
            if not kept:
                continue
            lines = [
                Line(
                    bbox=fraction_box(line.box, width, height),
                    text=line.text.strip(),
                    confidence=round(line.confidence, 2),
                    words=[
                        Word(
                            bbox=fraction_box(word.box, width, height),
                            text=word.text,
                            confidence=round(word.confidence, 2),
                            low_confidence=word.confidence < tuning.low_word_confidence,
                        )
                        for word in line.words
                    ],
                )
                for line in kept
            ]
            blocks.append(Block(bbox=fraction_box(raw_block.box, width, height), lines=lines))
            paragraphs.append("\n".join(line.text for line in lines))
        return Page(text="\n\n".join(paragraphs), blocks=blocks)


def _layout(api: tesserocr.PyTessBaseAPI) -> list[_RawBlock]:
    """Blocks → lines → words with pixel boxes and confidences, skipping empty elements."""
    blocks: list[_RawBlock] = []
    iterator = api.GetIterator()
    if iterator is None:
        return blocks
    new_block = new_line = True
    while True:
        new_block = new_block or iterator.IsAtBeginningOf(RIL.BLOCK)
        new_line = new_line or iterator.IsAtBeginningOf(RIL.TEXTLINE)
        word = _text(iterator, RIL.WORD)
        if word:
            if new_block or not blocks:
                blocks.append(_RawBlock(box=iterator.BoundingBox(RIL.BLOCK)))
            if new_line or new_block or not blocks[-1].lines:
                blocks[-1].lines.append(
                    _RawLine(
                        box=iterator.BoundingBox(RIL.TEXTLINE),
                        confidence=iterator.Confidence(RIL.TEXTLINE),
                        text=_text(iterator, RIL.TEXTLINE),
                    )
                )
            new_block = new_line = False
            blocks[-1].lines[-1].words.append(
                RawWord(
                    box=iterator.BoundingBox(RIL.WORD),
                    text=word,
                    confidence=iterator.Confidence(RIL.WORD),
                )
            )
        if not iterator.Next(RIL.WORD):
            return blocks


def _text(iterator: tesserocr.PyResultIterator, level: int) -> str:
    try:
        return str(iterator.GetUTF8Text(level) or "").strip()
    except RuntimeError:  # raised for empty elements
        return ""
