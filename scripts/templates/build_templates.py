"""Builds the built-in deck templates into shared/jaryo_shared/templates/ (a .pptx and a PNG
preview each), from python-pptx's default template:

    .venv/bin/python scripts/templates/build_templates.py

Each template is 16:9 with the layouts the deck API names (title, title+body, two-column,
image+caption, blank), its own colour scheme and background, an accent shape on the master, and
theme fonts whose Latin and East Asian typefaces both cover Hangul. Each holds one sample slide,
which the preview shows and the deck service removes. Needs LibreOffice and pdftoppm for the
previews (scripts/install.sh installs both).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

from deck_service import render
from jaryo_shared.templates import BUILTIN, LAYOUTS, Template

WIDE = Emu(12_192_000)  # 13.333 in: 16:9 at the default 7.5 in height
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def build(template: Template) -> None:
    deck = Presentation()
    stretch = WIDE / deck.slide_width
    deck.slide_width = WIDE
    master = deck.slide_master
    for shape in [*master.shapes, *(s for layout in master.slide_layouts for s in layout.shapes)]:
        shape.left, shape.width = round(shape.left * stretch), round(shape.width * stretch)
    _theme(deck, template)
    master.background.fill.solid()
    master.background.fill.fore_color.rgb = RGBColor.from_string(template.background)
    _accent(deck, template)
    _sample_slide(deck, template)
    deck.save(template.pptx_path)


def _theme(deck: Presentation, template: Template) -> None:
    """Colour scheme (text on background, accent) and fonts with Hangul in both scripts."""
    part = deck.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(part.blob)
    ns = {"a": A}
    for slot, color in (
        ("dk1", template.text),
        ("lt1", template.background),
        ("dk2", template.text),
        ("accent1", template.accent),
    ):
        element = theme.find(f".//a:clrScheme/a:{slot}", ns)
        element.clear()
        etree.SubElement(element, f"{{{A}}}srgbClr", val=color)
    for font in theme.findall(".//a:fontScheme/*", ns):
        font.find("a:latin", ns).set("typeface", template.font)
        font.find("a:ea", ns).set("typeface", template.font)
    theme.set("name", f"Jaryo {template.name}")
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def _accent(deck: Presentation, template: Template) -> None:
    """One decoration per template, drawn on the master so every layout has it."""
    width, height = deck.slide_width, deck.slide_height
    scratch = deck.slides.add_slide(deck.slide_layouts[6])
    if template.template_id == "bold":
        shape = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, width, round(height * 0.06))
    elif template.template_id == "midnight":
        shape = scratch.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, 0, round(height * 0.97), width, round(height * 0.03)
        )
    else:
        shape = scratch.shapes.add_shape(
            MSO_SHAPE.RECTANGLE,
            round(width * 0.04),
            round(height * 0.08),
            round(width * 0.006),
            round(height * 0.84),
        )
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(template.accent)
    shape.line.fill.background()
    deck.slide_master.shapes._spTree.insert(2, shape._element)  # behind the placeholders
    _drop_slide(deck, 0)


def _sample_slide(deck: Presentation, template: Template) -> None:
    layout = next(x for x in deck.slide_layouts if x.name == LAYOUTS["title"])
    slide = deck.slides.add_slide(layout)
    slide.shapes.title.text = f"자료 Jaryo — {template.name}"
    slide.placeholders[1].text = "사진 속 글을 편집 가능한 슬라이드로 · Photos of notes into slides"


def _drop_slide(deck: Presentation, index: int) -> None:
    slides = deck.slides._sldIdLst
    rel_id = slides[index].rId
    deck.part.drop_rel(rel_id)
    del slides[index]


def render_preview(template: Template) -> None:
    with tempfile.TemporaryDirectory() as work:
        (png,) = render.to_pngs(template.pptx_path, Path(work), dpi=48, first_only=True)
        shutil.copyfile(png, template.preview_path)


def main() -> int:
    for template in BUILTIN.values():
        build(template)
        render_preview(template)
        print(f"built {template.pptx_path.name} and {template.preview_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
