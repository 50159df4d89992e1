"""Small helpers for tests over real servers."""

from __future__ import annotations

import io
import random
import string
import time
import unicodedata
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont


def run_namespace(prefix: str, run: str) -> dict[str, str]:
    """The settings that give a run its own database, exchanges, queues and buckets on shared
    servers (`jaryo-<prefix>-<run>...`), so runs never see each other's data."""
    return {
        "mongo_db": f"jaryo_{prefix}_{run}",
        "exchange": f"jaryo-{prefix}-{run}.events",
        "dead_letter_exchange": f"jaryo-{prefix}-{run}.dead",
        "queue_prefix": f"jaryo-{prefix}-{run}",
        "bucket_staging": f"jaryo-{prefix}-{run}-staging",
        "bucket_images": f"jaryo-{prefix}-{run}-images",
        "bucket_decks": f"jaryo-{prefix}-{run}-decks",
    }


def wait_until(predicate: Callable[[], object], timeout: float = 20.0, interval: float = 0.1):
    """Poll until predicate() is truthy (returning it) or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def png_bytes(width: int = 64, height: int = 48, color: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def normalise_text(text: str) -> str:
    """As the dev set's scorer does: NFKC, every whitespace run one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def cer(predicted: str, truth: str) -> float:
    """Character error rate: Levenshtein distance over the truth's length, after normalising."""
    a, b = normalise_text(predicted), normalise_text(truth)
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1] / max(1, len(b))


def dense_text_png(width: int, height: int, seed: int = 1) -> bytes:
    """A page packed with random letters: slow for an OCR engine (about 8 s for 1400x1000 here,
    a minute for 3000x3000), which lets tests catch it mid-read or time it out."""
    rnd = random.Random(seed)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    letters = string.ascii_letters + "  "
    for y in range(0, height, 18):
        line = "".join(rnd.choice(letters) for _ in range(width // 7))
        draw.text((0, y), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
