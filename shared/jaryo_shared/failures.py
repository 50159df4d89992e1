"""Why an image or a deck failed, as a stable machine-readable code beside the reason's prose.

The prose (`reason`) is for a person and may be reworded; the code is for programs (the app, a
consumer of the events) and never changes meaning. Codes are added, never renamed or reused;
the list is part of the public contract (docs/events.md, the OpenAPI and AsyncAPI documents).
"""

from __future__ import annotations

from enum import StrEnum


class FailureCode(StrEnum):
    # An image's own fault: the same file fails the same way again.
    IMAGE_EMPTY = "image-empty"
    IMAGE_FORMAT_NOT_ACCEPTED = "image-format-not-accepted"
    IMAGE_DAMAGED = "image-damaged"
    IMAGE_TOO_LARGE = "image-too-large"
    IMAGE_COLOUR_FORMAT = "image-colour-format"
    IMAGE_NOT_STORABLE = "image-not-storable"
    IMAGE_NOT_READABLE = "image-not-readable"
    # An image that is gone, or took too long.
    IMAGE_GONE = "image-gone"
    OCR_TIMED_OUT = "ocr-timed-out"
    OCR_CRASHED = "ocr-crashed"
    PROCESSING_TIMED_OUT = "processing-timed-out"
    # A deck that could not be built.
    DECK_SPEC_OUTDATED = "deck-spec-outdated"
    TEMPLATE_GONE = "template-gone"
    TEMPLATE_UNUSABLE = "template-unusable"
    DECK_IMAGE_GONE = "deck-image-gone"
    DECK_TIMED_OUT = "deck-timed-out"
    # A deck's PDF that could not be made (GET /v1/decks/{id}/file?format=pdf).
    PDF_RENDER_FAILED = "pdf-render-failed"
    PDF_RENDER_TIMED_OUT = "pdf-render-timed-out"
    PDF_RENDER_CRASHED = "pdf-render-crashed"
    PDF_RENDER_UNAVAILABLE = "pdf-render-unavailable"
    DECK_FILE_GONE = "deck-file-gone"
    # Kept for outcomes recorded before codes existed, or a failure no code above describes.
    UNSPECIFIED = "unspecified"


DESCRIPTIONS: dict[FailureCode, str] = {
    FailureCode.IMAGE_EMPTY: "the file has no bytes",
    FailureCode.IMAGE_FORMAT_NOT_ACCEPTED: "not a JPEG, PNG, WebP, TIFF, BMP, GIF or HEIC image",
    FailureCode.IMAGE_DAMAGED: "the image's header or pixel data is damaged or truncated",
    FailureCode.IMAGE_TOO_LARGE: "more pixels than allowed (JARYO_MAX_IMAGE_PIXELS)",
    FailureCode.IMAGE_COLOUR_FORMAT: "a colour format that cannot be converted to RGB",
    FailureCode.IMAGE_NOT_STORABLE: "decoded, but could not be converted for storage",
    FailureCode.IMAGE_NOT_READABLE: "decoded, but could not be prepared for reading",
    FailureCode.IMAGE_GONE: "the image's file was gone (expired or deleted) before it was used",
    FailureCode.OCR_TIMED_OUT: "reading the text took longer than allowed per image",
    FailureCode.OCR_CRASHED: "reading stopped too many times without finishing (engine crash)",
    FailureCode.PROCESSING_TIMED_OUT: "storing or reading did not finish in time (the janitor)",
    FailureCode.DECK_SPEC_OUTDATED: "the stored spec breaks a rule added since it was stored",
    FailureCode.TEMPLATE_GONE: "the deck's private template was deleted",
    FailureCode.TEMPLATE_UNUSABLE: "the template cannot be opened or built on",
    FailureCode.DECK_IMAGE_GONE: "an image the deck places was deleted or purged",
    FailureCode.DECK_TIMED_OUT: "the deck was not built in time (the janitor)",
    FailureCode.PDF_RENDER_FAILED: "LibreOffice could not turn the deck's .pptx into a PDF",
    FailureCode.PDF_RENDER_TIMED_OUT: "turning the deck into a PDF took longer than allowed",
    FailureCode.PDF_RENDER_CRASHED: "the PDF render stopped too many times without finishing",
    FailureCode.PDF_RENDER_UNAVAILABLE: "LibreOffice is not installed where decks are rendered",
    FailureCode.DECK_FILE_GONE: "the built .pptx was gone (purged) before its PDF was made",
    FailureCode.UNSPECIFIED: "recorded before codes existed, or no other code applies",
}
