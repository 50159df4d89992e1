"""Rendering a .pptx to PNG pictures of its slides with LibreOffice (`soffice --headless`, to
PDF) and poppler's `pdftoppm` (PDF pages to PNG). Both are optional: without them there are no
previews, and decks still build."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


class RenderUnavailable(Exception):
    """LibreOffice or pdftoppm is not installed."""


def available() -> bool:
    return shutil.which("soffice") is not None and shutil.which("pdftoppm") is not None


def to_pdf(pptx: Path, out_dir: Path, *, timeout: float = 180) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RenderUnavailable("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as profile:
        # A private profile per call: concurrent soffice processes must not share one.
        subprocess.run(  # noqa: S603 - fixed program, paths we created
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(pptx),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    pdf = out_dir / f"{pptx.stem}.pdf"
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice made no PDF of {pptx.name}")
    return pdf


def to_pngs(pptx: Path, out_dir: Path, *, dpi: int = 48, first_only: bool = False) -> list[Path]:
    """One PNG per slide (or the first only), in slide order."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise RenderUnavailable("pdftoppm (poppler-utils) is not installed")
    pdf = to_pdf(pptx, out_dir)
    prefix = out_dir / "slide"
    extra = ["-singlefile"] if first_only else []
    subprocess.run(  # noqa: S603 - fixed program, paths we created
        [pdftoppm, "-png", "-r", str(dpi), *extra, str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    if first_only:
        return [prefix.with_suffix(".png")]
    return sorted(out_dir.glob("slide-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
