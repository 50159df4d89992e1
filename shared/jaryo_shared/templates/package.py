"""What a .pptx may carry, decided from its content types and relationship types, never from part
names: a VBA project renamed `media/img9.bin` is still a VBA project by the relationship that
points at it, and a main part is a macro-enabled presentation by its content type however the
file is named. The gateway checks uploaded templates with this; the deck service checks every
deck it builds with it."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from urllib.parse import unquote

from lxml import etree

PRESENTATION_MAIN = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
CONTENT_TYPES_PART = "[Content_Types].xml"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officedocument"

# Content types of code, controls and embedded objects (lowercase substrings): VBA projects and
# their signatures, macro-enabled main parts of any Office format, ActiveX controls, OLE objects.
FORBIDDEN_CONTENT = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject")
# Relationship types (their last path segment, lowercase) that bring code, controls or embedded
# objects into a document; an embedded package may itself be a macro-enabled document.
FORBIDDEN_RELATIONSHIPS = frozenset(
    {
        "vbaproject",
        "vbaprojectsignature",
        "wordvbadata",
        "keymapcustomizations",
        "activexcontrol",
        "activexcontrolbinary",
        "control",
        "oleobject",
        "package",
    }
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class UnsafePackage(ValueError):
    """Why the package is refused, in words for the person who sent it."""


def forbidden_content_type(content_type: str) -> bool:
    lowered = content_type.lower()
    return any(word in lowered for word in FORBIDDEN_CONTENT)


def forbidden_relationship(relationship_type: str) -> bool:
    return relationship_type.rstrip("/").rsplit("/", 1)[-1].lower() in FORBIDDEN_RELATIONSHIPS


def check_package(package: zipfile.ZipFile, read: Callable[[str], bytes]) -> None:
    """Raise UnsafePackage unless the zip is a plain presentation without macros, ActiveX, OLE
    objects or external links. `read(name)` returns a part's bytes (the caller bounds them)."""
    names = [n for n in package.namelist() if not n.endswith("/")]
    if CONTENT_TYPES_PART not in names:
        raise UnsafePackage("the file is not a .pptx: it has no [Content_Types].xml")
    content_type = _content_types(read(CONTENT_TYPES_PART))
    for name in names:
        if name == CONTENT_TYPES_PART:
            continue
        found = content_type(name)
        if found is None:
            raise UnsafePackage(f"the part {name} has no content type; the package is malformed")
        if forbidden_content_type(found):
            raise UnsafePackage(_unsafe(f"the part {name} is {found}"))
    main = None
    for name in names:
        if not name.endswith(".rels"):
            continue
        for kind, target, external in _relationships(read(name), name):
            if external:
                raise UnsafePackage(
                    f"the presentation links to something outside the file ({name}); "
                    "embed it instead"
                )
            if forbidden_relationship(kind):
                raise UnsafePackage(_unsafe(f"{name} links {target} as {kind.rsplit('/', 1)[-1]}"))
            if name == "_rels/.rels" and kind.lower().endswith(_OFFICE_DOCUMENT):
                main = target
    if main is None or content_type(main) != PRESENTATION_MAIN:
        raise UnsafePackage(
            "the file is not a plain PowerPoint presentation (.pptx); macro-enabled (.pptm), "
            "slide shows and templates (.potx) are not accepted"
        )


def _unsafe(what: str) -> str:
    return f"the presentation contains macros, ActiveX controls or embedded objects ({what})"


def _content_types(xml: bytes) -> Callable[[str], str | None]:
    """A lookup of a part's content type: its Override, else the Default for its extension
    (both case-insensitive, as OPC compares part names)."""
    root = _parse(xml, CONTENT_TYPES_PART)
    defaults = {
        (e.get("Extension") or "").lower(): e.get("ContentType") or ""
        for e in root.iter(f"{_CT}Default")
    }
    overrides = {
        (e.get("PartName") or "").lower(): e.get("ContentType") or ""
        for e in root.iter(f"{_CT}Override")
    }

    def lookup(name: str) -> str | None:
        found = overrides.get("/" + name.lower())
        if found is not None:
            return found
        extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        return defaults.get(extension)

    return lookup


def _relationships(xml: bytes, rels_name: str) -> list[tuple[str, str, bool]]:
    """(type, target part name, external?) of each relationship in a .rels part; targets are
    resolved against the part the .rels belongs to."""
    folder, _, _ = rels_name.rpartition("_rels/")
    found = []
    for rel in _parse(xml, rels_name).iter(_RELATIONSHIP):
        target = rel.get("Target") or ""
        external = (rel.get("TargetMode") or "").lower() == "external"
        if not external:
            target = unquote(target.split("#", 1)[0])
            joined = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            target = posixpath.normpath(joined).lstrip("/")
        found.append((rel.get("Type") or "", target, external))
    return found


def _parse(xml: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError:
        raise UnsafePackage(f"the part {name} is not well-formed XML") from None
