"""Enhancements for whiteboards and screens, measured by bench/capture_kinds.py and not wired
into the capture step: none lowered the CER on its kind while leaving the photo set no worse
(docs/ocr.md, "Whiteboards and screens"). Kept here, with their measurements, for the next try."""
