"""What reading a PDF page costs: from its text layer (engine `pdf-text`) against OCR of the very
same page as a scan of it, in one process, rounds interleaved; and what storing a page costs (the
storage service's render, PNG and thumbnail).

    source scripts/lib.sh && .venv/bin/python -m bench.pdf [--rounds 7]

The pages are the three Korean and English slides of tests/pdfs.py, exported to PDF by
LibreOffice (13.33 × 7.5 in: 2667 × 1500 px at 200 dpi). Each read is the OCR service's whole
work on the page (render, text, line styles, figures, the clean background), as
`Reader.read(..., clean=True)` does it for the handler. Prints medians in ms and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

from ocr_service.bootstrap import build_reader
from ocr_service.settings import OcrSettings
from storage_service.normalise import normalise_pdf_page
from tests import pdfs


def _timed(work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    reader = build_reader(OcrSettings())
    born = pdfs.exported_slides()
    scan = pdfs.scanned(*[pdfs.printed_page(list(lines)) for lines in pdfs.SLIDES])
    # Warm both paths once (models, fonts, pdfium).
    reader.read(born, "mixed-printed", page=1, clean=True)
    reader.read(scan, "mixed-printed", page=1, clean=True)

    layer: list[float] = []
    ocr: list[float] = []
    store: list[float] = []
    for _ in range(args.rounds):
        for page in range(1, len(pdfs.SLIDES) + 1):
            layer.append(
                _timed(lambda p=page: reader.read(born, "mixed-printed", page=p, clean=True))
            )
            ocr.append(
                _timed(lambda p=page: reader.read(scan, "mixed-printed", page=p, clean=True))
            )
            store.append(
                _timed(
                    lambda p=page: normalise_pdf_page(
                        born, p, max_pixels=64_000_000, thumbnail_size=320
                    )
                )
            )
    engine = reader.read(born, "mixed-printed", page=1).result.engine
    assert engine == "pdf-text", engine
    text_ms, ocr_ms, store_ms = (statistics.median(v) for v in (layer, ocr, store))
    print(f"pages read: {len(layer)} each way")
    print(f"read from the text layer (pdf-text), median: {text_ms:.0f} ms a page")
    print(f"read by OCR (a scan of the same page), median: {ocr_ms:.0f} ms a page")
    print(f"text layer / OCR: {text_ms / ocr_ms:.3f}")
    print(f"stored by the storage service (render, PNG, thumbnail), median: {store_ms:.0f} ms")


if __name__ == "__main__":
    main()
