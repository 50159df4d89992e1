"""Building a .pptx from a deck spec with python-pptx, on a template.

Every element is placed at the EMU its fractions imply (round(x * slide width), ...); a cropped
picture shows only its crop of the image, stretched to that box. Text boxes
wrap and shrink on overflow, so long text stays inside its box and is never cut. Every run gets
its East Asian typeface (`a:ea`) as well as its Latin one, so Hangul never falls back to boxes.
A deck never carries macros, ActiveX controls or OLE objects, whatever its template held: such
parts are dropped before saving and the saved file is checked again.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationDocument
from pptx.slide import Slide
from pptx.util import Emu, Pt

from jaryo_shared.deck_spec import DeckSpec, ImageElement, TextElement
from jaryo_shared.templates import LAYOUTS
from jaryo_shared.templates.package import (
    PRESENTATION_MAIN,
    check_package,
    forbidden_content_type,
    forbidden_relationship,
)

log = logging.getLogger(__name__)

ALIGNMENT = {
    "left": PP_ALIGN.LEFT,
    "center": PP_ALIGN.CENTER,
    "right": PP_ALIGN.RIGHT,
    "justify": PP_ALIGN.JUSTIFY,
}
DEFAULT_SIZE = 18.0


class MissingImage(LookupError):
    """An image the spec places is no longer available."""


def build_pptx(
    spec: DeckSpec,
    template: Path,
    default_font: str,
    image_bytes: Callable[[ImageElement], bytes],
) -> bytes:
    """The deck as .pptx bytes. `image_bytes(element)` is the picture the element places (its
    image, or the image's clean copy), and raises MissingImage if it is gone."""
    deck = Presentation(str(template))
    _remove_slides(deck)
    layouts = {layout.name: layout for layout in deck.slide_layouts}
    width, height = int(deck.slide_width or 0), int(deck.slide_height or 0)
    for slide_spec in spec.slides:
        # A person's own template may lack a layout by that name: then its blank, or its last.
        layout = (
            layouts.get(LAYOUTS[slide_spec.layout])
            or layouts.get(LAYOUTS["blank"])
            or deck.slide_layouts[len(deck.slide_layouts) - 1]
        )
        slide = deck.slides.add_slide(layout)
        _remove_placeholders(slide)
        for element in slide_spec.elements:
            left, top = Emu(round(element.x * width)), Emu(round(element.y * height))
            size = Emu(round(element.w * width)), Emu(round(element.h * height))
            if isinstance(element, ImageElement):
                _add_picture(slide, element, image_bytes(element), left, top, size)
            else:
                _add_text(slide, element, left, top, size, default_font)
    deck.core_properties.title = spec.title
    _strip_unsafe_parts(deck)
    out = io.BytesIO()
    deck.save(out)
    built = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(built)) as package:
        check_package(package, package.read)  # UnsafePackage if anything got through
    return built


def _strip_unsafe_parts(deck: PresentationDocument) -> None:
    """Make the deck a plain presentation: its main part typed as one (a .pptm or .potx
    template's would keep its own), and no relationship to code, controls or embedded objects,
    so python-pptx does not write those parts at all."""
    # python-pptx caches the content type it read (a lazyproperty in the part's __dict__).
    deck.part._content_type = PRESENTATION_MAIN
    vars(deck.part)["content_type"] = PRESENTATION_MAIN
    package = deck.part.package
    for source in [package, *package.iter_parts()]:
        relationships = source._rels
        for r_id, rel in list(relationships.items()):
            unsafe = forbidden_relationship(rel.reltype) or (
                not rel.is_external and forbidden_content_type(rel.target_part.content_type)
            )
            if unsafe:
                log.warning("dropping %s (%s) from the deck", rel.target_ref, rel.reltype)
                relationships.pop(r_id)


def _add_picture(
    slide: Slide, element: ImageElement, image: bytes, left: Emu, top: Emu, size: tuple[Emu, Emu]
) -> None:
    picture = slide.shapes.add_picture(io.BytesIO(image), left, top, *size)
    crop = element.crop
    if crop is None:
        return
    # PowerPoint's crop (a:srcRect) names what is cut from each side, as fractions of the image.
    # The spec allows x + w a hair over 1 (rounding): nothing is cut then, never a negative cut.
    picture.crop_left, picture.crop_top = crop.x, crop.y
    picture.crop_right = max(0.0, 1 - (crop.x + crop.w))
    picture.crop_bottom = max(0.0, 1 - (crop.y + crop.h))


def _add_text(
    slide: Slide,
    element: TextElement,
    left: Emu,
    top: Emu,
    size: tuple[Emu, Emu],
    default_font: str,
) -> None:
    box = slide.shapes.add_textbox(left, top, *size)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    # Shrink on overflow: PowerPoint and LibreOffice fit the text into the box when they open it.
    etree.SubElement(frame._txBody.bodyPr, qn("a:normAutofit"))
    font_name = element.font or default_font
    for number, line in enumerate(element.text.split("\n")):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.alignment = ALIGNMENT[element.align]
        run = paragraph.add_run()
        run.text = line
        font = run.font
        font.size = Pt(element.size or DEFAULT_SIZE)
        font.bold, font.italic, font.underline = element.bold, element.italic, element.underline
        if element.color:
            font.color.rgb = RGBColor.from_string(element.color[1:].upper())
        font.name = font_name  # a:latin
        _set_east_asian_font(run._r, font_name)


def _set_east_asian_font(run: etree._Element, typeface: str) -> None:
    properties = run.get_or_add_rPr()
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = etree.Element(qn("a:ea"))
        properties.find(qn("a:latin")).addnext(east_asian)
    east_asian.set("typeface", typeface)


def _remove_placeholders(slide: Slide) -> None:
    """Elements are placed absolutely; empty layout placeholders would only get in the way."""
    for placeholder in list(slide.placeholders):
        placeholder._element.getparent().remove(placeholder._element)


def _remove_slides(deck: PresentationDocument) -> None:
    """Templates carry a sample slide for their preview; a deck starts empty."""
    slide_ids = deck.slides._sldIdLst
    for slide_id in list(slide_ids):
        deck.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
