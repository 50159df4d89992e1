"""The first slide of each .pptx as a PNG, as the deck service makes its previews
(deck-service/deck_service/render.py: LibreOffice headless to PDF, poppler's pdftoppm to PNG),
but every deck in one LibreOffice run: starting it is most of the time a deck takes."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

SLIDE_INCHES = 13.333  # the width of a 16:9 slide, as the built-in templates have it


def first_slides(decks: list[Path], out_dir: Path, width: int) -> dict[Path, Path]:
    """Each deck's first slide rendered about `width` pixels wide, by deck."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        raise SystemExit("make draft-eval needs LibreOffice (soffice) and pdftoppm")
    if not decks:
        return {}
    pdf_dir = out_dir / "pdf"
    with tempfile.TemporaryDirectory() as profile:
        # A private profile: a deck service may run LibreOffice at the same time.
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(pdf_dir),
                *map(str, decks),
            ],
            check=True,
            capture_output=True,
            timeout=120 + 20 * len(decks),
        )
    dpi = round(width / SLIDE_INCHES)
    return {
        deck: _first_page(pdftoppm, pdf_dir / f"{deck.stem}.pdf", out_dir, dpi) for deck in decks
    }


def _first_page(pdftoppm: str, pdf: Path, out_dir: Path, dpi: int) -> Path:
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice made no PDF of {pdf.stem}.pptx")
    prefix = out_dir / pdf.stem
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return prefix.with_suffix(".png")
