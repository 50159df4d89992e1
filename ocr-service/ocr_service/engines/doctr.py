"""docTR (python-doctr) for English printed pages, when its weights are on local disk.

docTR is an optional extra of ocr-service (`jaryo-ocr-service[doctr]`): it needs torch and
torchvision, gigabytes that the default install and CI do without. Nothing is ever downloaded:
the detection and recognition weights load from `doctr_dir`, backbones are not pretrained and the
orientation models are off. If the library or a weight file is missing the engine reports itself
unavailable at start-up and the router keeps Tesseract.

Layout of `doctr_dir`: `detection.pt` and `recognition.pt` (state dicts, as saved by
`torch.save(model.state_dict(), ...)`), and optionally `models.json` naming the architectures
({"detection": "db_mobilenet_v3_large", "recognition": "crnn_mobilenet_v3_small"}).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from PIL import Image

from jaryo_shared.ocr_result import Block, Line, Page, Word

log = logging.getLogger(__name__)

DEFAULT_ARCHS = {"detection": "db_mobilenet_v3_large", "recognition": "crnn_mobilenet_v3_small"}
LOW_WORD_CONFIDENCE = 60.0


class DoctrEngine:
    """Wraps a docTR `OCRPredictor`. Only English: docTR has no pretrained Korean recogniser."""

    name = "doctr"

    def __init__(self, predictor: Any) -> None:
        self._predictor = predictor

    def read(self, image: Image.Image, language: str, *, dpi: int, timeout_seconds: float) -> Page:
        # docTR cannot be cancelled, so `timeout_seconds` is not enforced here (Tesseract's is).
        # Its detector and recogniser run in bounded time per page, unlike Tesseract's layout.
        import numpy as np

        document = self._predictor([np.asarray(image.convert("RGB"))])
        return page_from_export(document.export()["pages"][0])


def load_doctr(weights_dir: Path) -> DoctrEngine | None:
    """The engine, or None with one clear log line saying why it is off."""
    detection, recognition = weights_dir / "detection.pt", weights_dir / "recognition.pt"
    missing = [str(path) for path in (detection, recognition) if not path.is_file()]
    if missing:
        log.warning("docTR is off: weights missing (%s); Tesseract reads everything", missing)
        return None
    try:
        import torch
        from doctr.models import detection as det_models
        from doctr.models import ocr_predictor
        from doctr.models import recognition as reco_models
    except (ImportError, OSError, RuntimeError) as exc:
        # Not only ImportError: a torchvision built for another torch fails at import with
        # RuntimeError ("operator torchvision::nms does not exist"), missing CUDA libraries with
        # OSError. Either way docTR cannot run here, and Tesseract still can.
        log.warning("docTR is off: %r (install jaryo-ocr-service[doctr])", exc)
        return None
    archs = {**DEFAULT_ARCHS, **_archs(weights_dir / "models.json")}
    try:
        det_model = getattr(det_models, archs["detection"])(
            pretrained=False, pretrained_backbone=False
        )
        reco_model = getattr(reco_models, archs["recognition"])(
            pretrained=False, pretrained_backbone=False
        )
        det_model.load_state_dict(torch.load(detection, map_location="cpu", weights_only=True))
        reco_model.load_state_dict(torch.load(recognition, map_location="cpu", weights_only=True))
    except Exception as exc:  # noqa: BLE001 - unknown architecture, weights that do not fit, bad file
        log.error("docTR is off: its weights in %s do not load: %r", weights_dir, exc)
        return None
    predictor = build_predictor(ocr_predictor, det_model, reco_model)
    log.info("docTR is on for English print (%s + %s)", archs["detection"], archs["recognition"])
    return DoctrEngine(predictor)


def build_predictor(ocr_predictor: Any, det_model: Any, reco_model: Any) -> Any:
    """Straight pages, no orientation models (they would need downloaded weights)."""
    return ocr_predictor(
        det_arch=det_model,
        reco_arch=reco_model,
        pretrained=False,
        assume_straight_pages=True,
        detect_orientation=False,
        straighten_pages=False,
        disable_page_orientation=True,
        disable_crop_orientation=True,
    )


def _archs(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return {str(k): str(v) for k, v in json.loads(path.read_text()).items()}


def page_from_export(page: dict[str, Any]) -> Page:
    """docTR's exported page (relative ((x0, y0), (x1, y1)) geometry, confidence 0..1) →
    Jaryo's page. Lines get the mean confidence of their words, which docTR does not give."""
    blocks: list[Block] = []
    for block in page.get("blocks", []):
        lines: list[Line] = []
        for line in block.get("lines", []):
            words = [_word(word) for word in line.get("words", []) if word.get("value", "").strip()]
            if not words:
                continue
            confidence = round(sum(word.confidence for word in words) / len(words), 2)
            text = " ".join(word.text for word in words)
            lines.append(
                Line(bbox=_box(line["geometry"]), text=text, confidence=confidence, words=words)
            )
        if lines:
            blocks.append(Block(bbox=_box(block["geometry"]), lines=lines))
    text = "\n\n".join("\n".join(line.text for line in block.lines) for block in blocks)
    return Page(text=text, blocks=blocks)


def _word(word: dict[str, Any]) -> Word:
    """One exported word; its 0..1 confidence becomes 0..100, flagged low by the value shown."""
    confidence = round(min(100.0, max(0.0, 100 * float(word["confidence"]))), 2)
    return Word(
        bbox=_box(word["geometry"]),
        text=word["value"],
        confidence=confidence,
        low_confidence=confidence < LOW_WORD_CONFIDENCE,
    )


def _box(geometry: Any) -> tuple[float, float, float, float]:
    """docTR's ((x0, y0), (x1, y1)) or a polygon of points → [x0, y0, x1, y1] in 0..1."""
    xs = [float(point[0]) for point in geometry]
    ys = [float(point[1]) for point in geometry]

    def clamp(value: float) -> float:
        return round(min(1.0, max(0.0, value)), 5)

    return (clamp(min(xs)), clamp(min(ys)), clamp(max(xs)), clamp(max(ys)))
