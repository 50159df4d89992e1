"""The OCR service's own Prometheus metrics (the per-queue ones are in jaryo_shared.metrics)."""

from __future__ import annotations

from prometheus_client import Histogram

IMAGE_SECONDS = Histogram(
    "jaryo_ocr_image_seconds",
    "Time the engine spent reading one image, by engine and outcome (done, unreadable, timeout)",
    ["engine", "outcome"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)
