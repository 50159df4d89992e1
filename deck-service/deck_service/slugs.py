"""File names from deck titles: readable, safe as an object key and a download name."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 60


def slug(title: str) -> str:
    """Letters and digits of any script, runs of anything else as one hyphen; "deck" if empty."""
    text = unicodedata.normalize("NFC", title).strip().lower()
    text = re.sub(r"[^\w]+|_+", "-", text).strip("-")
    return text[:MAX_LENGTH].rstrip("-") or "deck"
