"""Reading a slide region by region (ocr_service.engines.regions.RegionEngine) with the real
Tesseract and a detector that finds the lines it is given: blocks in reading order with their
text, each line where its text is and with its look, the whole-image way for small images and
pages without lines, and the time limit. Images are small, to keep Tesseract quick."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PIL import Image, ImageDraw, ImageFont

from jaryo_shared.ocr_result import MEASURED_FONT, Line, Page
from ocr_service.engines.base import EngineTimeout
from ocr_service.engines.regions import RegionEngine
from ocr_service.engines.tesseract import TesseractEngine
from ocr_service.layout.detector import LineDetector
from ocr_service.layout.geometry import Box
from ocr_service.layout.style import FontFiles
from ocr_service.settings import OcrSettings

SETTINGS = OcrSettings()
TEXT_COLOUR = (20, 30, 80)
BACKGROUND = (250, 248, 240)
DETECTOR_MARGIN = 4  # pixels the detector's boxes reach beyond the ink, as PP-OCR's do

TITLE = "Retrieval steps"
LEFT = ["Load the files", "Read every page"]
RIGHT = ["Embed each part", "Store the vectors"]


class GivenLines(LineDetector):
    """A line detector that finds the boxes it was given, and counts how often it was asked."""

    def __init__(self, boxes: list[Box]) -> None:
        super().__init__(detector=None)
        self.boxes = boxes
        self.asked = 0

    def lines(self, image: Image.Image) -> list[Box]:
        self.asked += 1
        return list(self.boxes)


@dataclass
class Drawn:
    image: Image.Image
    boxes: dict[str, Box]  # each line's text → its ink box


def face(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = SETTINGS.font_bold if bold else SETTINGS.font_regular
    return ImageFont.truetype(str(path), size, index=1)  # Noto Sans CJK KR


def draw_lines(size: tuple[int, int], lines: list[tuple[tuple[int, int], str, int, bool]]) -> Drawn:
    """An image with each (position, text, font size, bold) line drawn on it."""
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    boxes = {}
    for at, text, font_size, bold in lines:
        font = face(font_size, bold=bold)
        draw.text(at, text, font=font, fill=TEXT_COLOUR)
        boxes[text] = draw.textbbox(at, text, font=font)
    return Drawn(image, boxes)


def detected(drawn: Drawn) -> list[Box]:
    """The boxes the detector would find, listed right to left (not in reading order)."""
    m = DETECTOR_MARGIN
    boxes = [(b[0] - m, b[1] - m, b[2] + m, b[3] + m) for b in drawn.boxes.values()]
    return sorted(boxes, reverse=True)


def two_column_slide() -> Drawn:
    lines = [((60, 30), TITLE, 44, True)]
    lines += [((40, 130 + i * 48), text, 30, False) for i, text in enumerate(LEFT)]
    lines += [((470, 130 + i * 48), text, 30, False) for i, text in enumerate(RIGHT)]
    return draw_lines((880, 300), lines)


def engine(detector: LineDetector) -> RegionEngine:
    fonts = FontFiles(SETTINGS.font_regular, SETTINGS.font_bold, MEASURED_FONT)
    return RegionEngine(detector, TesseractEngine(SETTINGS.tessdata_dir), fonts)


def read(engine: RegionEngine, image: Image.Image, timeout_seconds: float = 30.0) -> Page:
    return engine.read(image, "eng", dpi=300, timeout_seconds=timeout_seconds)


def iou(a: Box, b: Box) -> float:
    inner = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inner
    return inner / area


def in_pixels(line: Line, image: Image.Image) -> Box:
    x0, y0, x1, y1 = line.bbox
    w, h = image.size
    return (round(x0 * w), round(y0 * h), round(x1 * w), round(y1 * h))


@pytest.fixture(scope="module")
def slide() -> tuple[Drawn, Page]:
    drawn = two_column_slide()
    return drawn, read(engine(GivenLines(detected(drawn))), drawn.image)


def test_a_two_column_slides_blocks_come_in_reading_order_with_their_text(slide):
    _, page = slide

    assert [[line.text for line in block.lines] for block in page.blocks] == [[TITLE], LEFT, RIGHT]
    assert page.text == "\n\n".join([TITLE, "\n".join(LEFT), "\n".join(RIGHT)])


def test_each_line_is_placed_where_its_text_is(slide):
    drawn, page = slide

    for block in page.blocks:
        for line in block.lines:
            placed = in_pixels(line, drawn.image)
            assert iou(placed, drawn.boxes[line.text]) >= 0.85, (line.text, placed)


def test_each_line_has_the_colour_weight_and_size_it_was_drawn_with(slide):
    drawn, page = slide
    title, *body = [line for block in page.blocks for line in block.lines]

    def drawn_as(line: Line, size: int, *, bold: bool) -> bool:
        style = line.style
        assert style is not None, line.text
        colour = [int(style.color[i : i + 2], 16) for i in (1, 3, 5)]
        return (
            all(abs(a - b) <= 16 for a, b in zip(colour, TEXT_COLOUR, strict=True))
            and style.bold == bold
            and style.size * drawn.image.height == pytest.approx(size, rel=0.1)
        )

    assert drawn_as(title, 44, bold=True), title.style
    assert all(drawn_as(line, 30, bold=False) for line in body), [line.style for line in body]


def test_a_small_image_is_read_whole_without_asking_the_detector():
    drawn = draw_lines((520, 160), [((30, 50), "Hello world", 40, False)])
    detector = GivenLines(detected(drawn))

    page = read(engine(detector), drawn.image)

    assert detector.asked == 0
    assert page.text == "Hello world"


def test_a_page_where_the_detector_finds_no_line_is_read_whole():
    drawn = draw_lines((640, 320), [((40, 130), "Nothing detected here", 36, False)])

    page = read(engine(GivenLines([])), drawn.image)

    assert page.text == "Nothing detected here"


@pytest.mark.parametrize(
    "drawn",
    [
        pytest.param(two_column_slide(), id="region-by-region"),
        pytest.param(draw_lines((520, 160), [((30, 50), "Hi", 40, False)]), id="small-whole"),
    ],
)
def test_a_deadline_already_past_raises_engine_timeout(drawn):
    with pytest.raises(EngineTimeout):
        read(engine(GivenLines(detected(drawn))), drawn.image, timeout_seconds=-1.0)
