"""The OCR service: reads text with its positions from uploaded images."""

import os

# Tesseract's OpenMP threads fight each other on shared cores; parallelism comes from worker
# processes instead. Must be set before libtesseract loads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
