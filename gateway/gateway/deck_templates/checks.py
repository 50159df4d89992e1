"""Checking an uploaded PowerPoint template before it is accepted: a real presentation that
python-pptx opens, within the size limit, without macros and without external links."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree
from pptx import Presentation

PRESENTATION_TYPE = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
MAX_PARTS = 2000
MAX_UNPACKED_BYTES = 200 * 1000 * 1000


class InvalidTemplate(ValueError):
    """Why the file is not accepted, for the person."""


@dataclass(frozen=True)
class CheckedTemplate:
    layouts: list[str]
    slide_width: int
    slide_height: int


def check_template(data: bytes) -> CheckedTemplate:
    if not data.startswith(b"PK\x03\x04"):
        raise InvalidTemplate("the file is not a .pptx (not a zip package)")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = package.namelist()
        content_types = package.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InvalidTemplate(f"the file is not a .pptx: {exc}") from None
    if len(names) > MAX_PARTS or sum(i.file_size for i in package.infolist()) > MAX_UNPACKED_BYTES:
        raise InvalidTemplate("the package unpacks to more than a template can hold")
    if PRESENTATION_TYPE.encode() not in content_types:
        raise InvalidTemplate(
            "the file is not a plain PowerPoint presentation (.pptx); macro-enabled (.pptm), "
            "slide shows and templates (.potx) are not accepted"
        )
    if any("vbaproject" in name.lower() or "activex" in name.lower() for name in names):
        raise InvalidTemplate("the presentation contains macros or ActiveX controls")
    for name in names:
        if name.endswith(".rels") and _has_external_target(package.read(name)):
            raise InvalidTemplate(
                f"the presentation links to something outside the file ({name}); embed it instead"
            )
    try:
        presentation = Presentation(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-pptx raises many kinds for broken files
        raise InvalidTemplate(f"the presentation could not be opened: {exc}") from None
    layouts = [layout.name for layout in presentation.slide_layouts]
    if not layouts:
        raise InvalidTemplate("the presentation has no slide layouts")
    return CheckedTemplate(
        layouts=layouts,
        slide_width=int(presentation.slide_width or 0),
        slide_height=int(presentation.slide_height or 0),
    )


def _has_external_target(relationships: bytes) -> bool:
    try:
        root = etree.fromstring(relationships, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:
        raise InvalidTemplate("the presentation's relationships are malformed") from None
    return any(r.get("TargetMode") == "External" for r in root.iter(RELATIONSHIPS))
