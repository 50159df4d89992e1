"""The deck service's own Prometheus metrics (the per-queue ones are in jaryo_shared.metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

BUILD_SECONDS = Histogram(
    "jaryo_deck_build_seconds",
    "Time to build one .pptx from its template (previews not included), by outcome",
    ["outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
PREVIEW_SECONDS = Histogram(
    "jaryo_deck_preview_seconds",
    "Time to render the changed slides of one deck's revision with LibreOffice",
    buckets=(0.5, 1, 2, 5, 10, 30, 60),
)
PDF_SECONDS = Histogram(
    "jaryo_deck_pdf_seconds",
    "Time to make one revision's PDF (read the .pptx, LibreOffice, store), by outcome",
    ["outcome"],
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 180),
)
PREVIEW_SLIDES = Counter(
    "jaryo_deck_preview_slides_total",
    "Slide previews stored, by how: rendered, or copied from the previous revision (unchanged)",
    ["how"],
)
