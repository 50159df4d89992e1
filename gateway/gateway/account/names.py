"""Names of the files inside an export zip, made from names people typed (a file's name, a
deck's title, a template's name): one path component that no unzip tool reads as a directory, a
device or a hidden file, short enough for any file system, and still readable (Korean stays).

Not `gateway.uploads.filenames.safe_stem`: that keeps only what follows the last slash (a title
"Q3/Q4" would lose "Q3"), caps by characters (80 Korean characters are 240 bytes, over most
file systems' 255 once an id is put in front) and falls back to "image"."""

from __future__ import annotations

import re
import unicodedata

MAX_BYTES = 100  # of UTF-8, before the extension: an id, a dash and this stay under 255
# Path separators, what Windows forbids in a name, and what XML tools choke on in one.
_FORBIDDEN = re.compile(r'[/\\<>:"|?*&\']')
_SPACES = re.compile(r"\s+")
_RUNS = re.compile(r"[._]*_[._]*")  # "_.._" left of "/../" reads as one "_"
# Names Windows takes for devices, whatever their extension.
_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


def safe_name(name: str | None, extension: str = "", fallback: str = "file") -> str:
    """`name` as one safe path component, with `extension` (without its dot) after it."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", name or ""))  # tabs, newlines too
    # Controls, format characters (bidi overrides), surrogates, unassigned; line separators.
    text = "".join(
        ch for ch in text if unicodedata.category(ch)[0] != "C" and ch not in "\u2028\u2029"
    )
    text = _FORBIDDEN.sub("_", text)
    text = _RUNS.sub("_", text)
    if extension and text.casefold().endswith(f".{extension.casefold()}"):
        text = text[: -len(extension) - 1]
    text = _cap(text.strip(" ._-"), MAX_BYTES).rstrip(" ._-")
    if not text or _DEVICES.fullmatch(text):
        text = f"{fallback}_{text}" if text else fallback
    return f"{text}.{extension}" if extension else text


def _cap(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, cut between characters."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")
