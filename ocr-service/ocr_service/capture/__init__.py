"""The capture step for phone photos: find the document, flatten it, even its light
(docs/ocr.md, "Phone photos")."""

from ocr_service.capture.pipeline import Capture, capture

__all__ = ["Capture", "capture"]
