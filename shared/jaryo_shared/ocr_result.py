"""The shape of an image's OCR result: text with its geometry.

What an engine returns and ocr-service keeps in `ocr_results` (one document per image); others
read it through read_models.ocr_results, and the API serves it as the image's `ocr`. Every bbox
is [x0, y0, x1, y1] as fractions (0..1) of the image read, the frame the deck API uses for
positions: the page the capture step made of a photo when the result has a `page`, otherwise
the upright image.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]

# The font in which line sizes are fitted (LineStyle.size); drafts set it on their text boxes.
MEASURED_FONT = "Noto Sans CJK KR"


class Word(BaseModel):
    model_config = ConfigDict(frozen=True)
    bbox: BBox
    text: str
    confidence: float = Field(ge=0, le=100)
    low_confidence: bool = Field(description="under the threshold: ask the person to check it")


HexColor = Annotated[str, Field(pattern=r"^#[0-9a-f]{6}$")]


class LineStyle(BaseModel):
    """How a line looks, measured from its pixels, so a draft can set it the same way."""

    model_config = ConfigDict(frozen=True)
    color: HexColor = Field(description="the text's colour, sampled from its strokes")
    background: HexColor = Field(description="the colour around the text")
    bold: bool = Field(description="a guess from the strokes' width against the line's height")
    size: float = Field(
        gt=0,
        le=2,
        description="font size (em) as a fraction of the image's height, fitted so the text "
        "fills the line's width in the font drafts use",
    )


class Line(BaseModel):
    model_config = ConfigDict(frozen=True)
    bbox: BBox
    text: str
    confidence: float = Field(ge=0, le=100)
    words: list[Word]
    style: LineStyle | None = Field(default=None, description="absent in results read before")
    in_picture: bool = Field(
        default=False,
        description="the print of a figure (a screenshot's menus, a diagram's turned labels): "
        "drafts leave it in the picture instead of laying it over as text",
    )


class Block(BaseModel):
    """A region of the layout: lines that belong together, in reading order."""

    model_config = ConfigDict(frozen=True)
    bbox: BBox
    lines: list[Line]
    align: Literal["left", "center", "right"] | None = Field(
        default=None, description="from the lines' edges; absent for one line or before"
    )


class Figure(BaseModel):
    """A region that is a picture, not text. Kept as an object, not a bare box: FerretDB refuses
    an array directly inside another."""

    model_config = ConfigDict(frozen=True)
    bbox: BBox


class Page(BaseModel):
    """What an engine read on one image."""

    model_config = ConfigDict(frozen=True)
    text: str
    blocks: list[Block]
    figures: list[Figure] = Field(
        default_factory=list, description="regions that are pictures, not text"
    )


class Corner(BaseModel):
    """A point of the original upright image, as fractions of its width and height. An object,
    not a pair: FerretDB refuses an array directly inside another."""

    model_config = ConfigDict(frozen=True)
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)


class CapturedPage(BaseModel):
    """The page the capture step made of a photo (ocr_service.capture), which was read instead
    of it and is stored beside it (keys.page_key): the result's boxes are fractions of it."""

    model_config = ConfigDict(frozen=True)
    corners: list[Corner] | None = Field(
        min_length=4,
        max_length=4,
        description="where the document lies in the original: top-left, top-right, "
        "bottom-right, bottom-left; null when none was found (the photo was only uncurled)",
    )
    width: int = Field(gt=0, description="the page's pixels")
    height: int = Field(gt=0)
    steps: list[str] = Field(description="what was done, in order (flattened, uncurled, ...)")
    source: Literal["found", "person"] = Field(
        description="`person`: the corners were given with PUT .../page"
    )


# The result's bulk, kept in its own `ocr_layouts` document (ocr_service.records says why).
LAYOUT_FIELDS = ("blocks", "figures")


class OcrResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    status: Literal["done", "failed"]
    engine: str
    language: str
    duration_ms: int = Field(ge=0)
    text: str
    blocks: list[Block]
    figures: list[Figure] = Field(default_factory=list)
    clean_background: bool = Field(
        default=False,
        description="a copy of the image with its text removed is stored "
        "(keys.clean_background_key), for drafts' `clean` background",
    )
    page: CapturedPage | None = Field(
        default=None,
        description="the page made of a photo and read instead of it; absent when the image "
        "was read as it is (a PDF's page, a scan, a photo with no document found)",
    )
    reason: str | None = None


def fraction_box(box: tuple[int, int, int, int], width: int, height: int) -> BBox:
    """Pixel box (x0, y0, x1, y1) → fractions of the image, clamped to 0..1."""
    x0, y0, x1, y1 = box

    def clamp(value: float) -> float:
        return round(min(1.0, max(0.0, value)), 5)

    return (clamp(x0 / width), clamp(y0 / height), clamp(x1 / width), clamp(y1 / height))
