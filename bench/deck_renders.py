"""LibreOffice on a whole deck vs on an excerpt of its slides (deck_service.excerpt), in this
process: whether rendering only a revision's changed slides is cheaper than the whole deck.
The excerpt's time includes making it with python-pptx."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from deck_service import excerpt, render
from deck_service.build import build_pptx
from jaryo_shared.deck_spec import DeckSpec
from jaryo_shared.templates import BUILTIN

EXCERPTS = (1, 5)  # slides changed


def _seconds_to_render(built: bytes, numbers: list[int] | None, dpi: int) -> float:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        pptx = Path(work) / "deck.pptx"
        pptx.write_bytes(built if numbers is None else excerpt.slides_only(built, numbers))
        pngs = render.to_pngs(pptx, Path(work), dpi=dpi)
    assert numbers is None or len(pngs) == len(numbers)
    return time.perf_counter() - start


def measure(spec: dict, rounds: int, dpi: int = 48) -> dict[str, list[float]]:
    """Seconds per round: "all" slides, and an excerpt of each size in EXCERPTS."""
    if not render.available():
        return {}
    template = BUILTIN[spec["template_id"]]
    no_pictures = lambda element: b""  # noqa: E731 - the bench deck has text only
    built = build_pptx(
        DeckSpec.model_validate(spec), template.pptx_path, template.font, no_pictures
    )
    times: dict[str, list[float]] = {"all": [], **{str(n): [] for n in EXCERPTS}}
    for _ in range(rounds):
        times["all"].append(_seconds_to_render(built, None, dpi))
        for size in EXCERPTS:
            times[str(size)].append(_seconds_to_render(built, list(range(1, size + 1)), dpi))
    return times
