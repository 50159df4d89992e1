"""A deck as the client describes it: slides of positioned text and images on a template.

The gateway validates requests with these models and stores the spec with the deck; the deck
service builds the .pptx from the same models. Positions and sizes are fractions (0..1) of the
slide, the same frame as OCR boxes; font sizes are in points.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

MAX_SLIDES = 200
MAX_ELEMENTS = 100
MAX_TEXT = 20_000

# Characters XML 1.0 cannot hold, so no .pptx can: python-pptx raises on them mid-build. Lone
# surrogates are refused by pydantic itself (a JSON string may carry one, a str field may not).
XML_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_FORBIDDEN = re.compile(f"[{XML_FORBIDDEN}]")


def _xml_safe(value: str) -> str:
    found = _FORBIDDEN.search(value)
    if found:
        raise ValueError(
            f"character U+{ord(found.group()):04X} at position {found.start()} cannot be kept in "
            "a .pptx (XML 1.0 forbids it); remove it"
        )
    return value


def without_xml_forbidden(text: str) -> str:
    """The text with what XML 1.0 forbids removed (for text Jaryo writes itself, e.g. OCR)."""
    return _FORBIDDEN.sub("", text).encode("utf-8", "ignore").decode("utf-8")


# Every string of a spec: validated with a readable message, and the same rule as a pattern in
# the JSON Schema so clients (and contract fuzzers) know it.
XmlStr = Annotated[
    str,
    AfterValidator(_xml_safe),
    Field(json_schema_extra={"pattern": f"^[^{XML_FORBIDDEN}]*$"}),
]

Layout = Literal["title", "title_body", "two_column", "image_caption", "blank"]
Fraction = Annotated[float, Field(ge=0, le=1)]
Extent = Annotated[float, Field(gt=0, le=1)]


class Box(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    x: Fraction
    y: Fraction
    w: Extent
    h: Extent

    @model_validator(mode="after")
    def _inside_the_slide(self) -> Box:
        if self.x + self.w > 1 + 1e-4 or self.y + self.h > 1 + 1e-4:
            raise ValueError("the element must lie inside the slide (x + w <= 1, y + h <= 1)")
        return self


class TextElement(Box):
    type: Literal["text"]
    text: XmlStr = Field(max_length=MAX_TEXT)
    font: (
        Annotated[
            str,
            Field(
                min_length=1,
                max_length=64,
                pattern=r'^[^<>&"]+$',
                json_schema_extra={"pattern": f'^[^<>&"{XML_FORBIDDEN}]+$'},
            ),
            AfterValidator(_xml_safe),
        ]
        | None
    ) = None
    size: float | None = Field(default=None, ge=1, le=400, description="points")
    bold: StrictBool = False
    italic: StrictBool = False
    underline: StrictBool = False
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    align: Literal["left", "center", "right", "justify"] = "left"


class Crop(Box):
    """The part of an image a picture shows, as fractions of the image."""


class ImageElement(Box):
    type: Literal["image"]
    image_id: XmlStr = Field(min_length=1, max_length=64)
    variant: Literal["original", "clean", "page"] = Field(
        default="original",
        description="`clean`: the image with its text removed (when its OCR result has "
        "`clean_background`), the background of a draft whose text is editable on top; "
        "`page`: the page made of a photo (when its OCR result has `page`), flattened and lit, "
        "in whose frame its text was read",
    )
    crop: Crop | None = Field(
        default=None,
        description="show only this part of the image (a figure cut out of a photo); "
        "absent: the whole image",
    )


Element = Annotated[TextElement | ImageElement, Field(discriminator="type")]


class Slide(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    layout: Layout = "blank"
    elements: list[Element] = Field(default_factory=list, max_length=MAX_ELEMENTS)


class DeckSpec(BaseModel):
    """`POST /v1/decks` with explicit slides."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    template_id: XmlStr = Field(min_length=1, max_length=64)
    title: XmlStr = Field(min_length=1, max_length=200)
    slides: list[Slide] = Field(min_length=1, max_length=MAX_SLIDES)

    def image_ids(self) -> set[str]:
        return {
            element.image_id
            for slide in self.slides
            for element in slide.elements
            if isinstance(element, ImageElement)
        }


class DeckFromUpload(BaseModel):
    """`POST /v1/decks` asking for a first draft made from an upload's OCR result."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    template_id: XmlStr = Field(min_length=1, max_length=64)
    title: XmlStr = Field(min_length=1, max_length=200)
    from_upload: XmlStr = Field(min_length=1, max_length=64)
    background: Literal["template", "photo", "clean"] | None = Field(
        default=None,
        description="behind each slide's text: the template alone, the photo, or the photo "
        "with its text removed (`clean`, the default; `photo` for an image without one); "
        "when absent, an explicit `with_images: false` means `template`",
    )
    with_images: StrictBool = Field(
        default=False, description="the older name of `background: photo`"
    )

    @model_validator(mode="after")
    def _one_background(self) -> DeckFromUpload:
        if self.with_images and self.background not in (None, "photo"):
            raise ValueError("with_images means background 'photo'; send only `background`")
        return self

    @property
    def chosen_background(self) -> Literal["template", "photo", "clean"]:
        """`background` if sent; else the older `with_images`: true is `photo`, and an explicit
        false keeps meaning what it did before backgrounds existed (the template alone)."""
        if self.background is not None:
            return self.background
        if "with_images" in self.model_fields_set:
            return "photo" if self.with_images else "template"
        return "clean"
