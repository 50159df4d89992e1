"""Safe storage names from untrusted file names: no path parts, no control characters,
length-capped, the extension of what is really stored, and unique within one upload. And the
name as given, made safe to show: without the characters that rewrite how text around it
reads (controls, bidi overrides such as U+202E, line separators)."""

from __future__ import annotations

import re
import unicodedata

MAX_STEM = 80
MAX_ORIGINAL = 255
_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_stem(filename: str | None) -> str:
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]  # no directories, whichever separator
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    stem = _UNSAFE.sub("_", stem).strip(" ._")
    return stem[:MAX_STEM] or "image"


def displayable(filename: str | None) -> str:
    """The client's file name as it may be echoed back: every character of the Unicode
    categories C* (controls, format characters including the bidi embeddings, overrides and
    isolates, surrogates, unassigned) and Zl/Zp removed, capped at MAX_ORIGINAL."""
    name = unicodedata.normalize("NFC", filename or "")
    return "".join(
        ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in "\u2028\u2029"
    )[:MAX_ORIGINAL]


def unique_names(stems_and_extensions: list[tuple[str, str]]) -> list[str]:
    """`page.jpg`, `page-2.jpg`, ... for repeated names (case-insensitively)."""
    seen: set[str] = set()
    names = []
    for stem, extension in stems_and_extensions:
        candidate, n = f"{stem}.{extension}", 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{stem}-{n}.{extension}"
        seen.add(candidate.casefold())
        names.append(candidate)
    return names
