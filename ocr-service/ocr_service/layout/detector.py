"""Text lines found by the PP-OCRv4 detector (DB), whose ONNX weights ship inside the
`rapidocr-onnxruntime` wheel: nothing is downloaded. Only its detector is used: its recogniser
has no Hangul, and Tesseract reads each line the detector finds.

Loaded once per process (`LineDetector.load`) and kept; one ONNX Runtime thread, because the
service already runs one worker process per core.
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ocr_service.layout.geometry import Box

log = logging.getLogger(__name__)

MAX_SIDE = 1280  # larger images are detected scaled down: bounded memory (about 0.3 GB for the
# model at this size, 0.6 GB at 2000), and lines stay above the model's floor


class LineDetector:
    def __init__(self, detector: Any) -> None:
        self._detector = detector

    @classmethod
    def load(cls) -> LineDetector:
        import rapidocr_onnxruntime
        from rapidocr_onnxruntime.ch_ppocr_det import TextDetector

        model = Path(rapidocr_onnxruntime.__file__).parent / "models/ch_PP-OCRv4_det_infer.onnx"
        config = {
            "model_path": str(model),
            "use_cuda": False,
            "use_dml": False,
            "intra_op_num_threads": 1,
            "inter_op_num_threads": 1,
            "limit_side_len": 736,
            "limit_type": "min",
            "std": [0.5, 0.5, 0.5],
            "mean": [0.5, 0.5, 0.5],
            "thresh": 0.3,
            "box_thresh": 0.5,
            "max_candidates": 1000,
            "unclip_ratio": 1.6,
            "use_dilation": True,
            "score_mode": "fast",
        }
        return cls(TextDetector(config))

    def lines(self, image: Image.Image) -> list[Box]:
        """Axis-aligned pixel boxes of the text lines (or line pieces) on an upright image."""
        scale = min(1.0, MAX_SIDE / max(image.size))
        seen = image
        if scale < 1.0:  # scaled before converted: no full-size copy of a large image
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            seen = seen.resize(size, Image.Resampling.BILINEAR)
        seen = seen.convert("RGB")
        quads, _ = self._detector(np.asarray(seen)[:, :, ::-1])  # the model takes BGR
        _give_back_freed_memory()
        if quads is None:
            return []
        boxes = []
        for quad in quads:
            xs, ys = quad[:, 0] / scale, quad[:, 1] / scale
            box = (
                max(0, int(xs.min())),
                max(0, int(ys.min())),
                min(image.width, int(np.ceil(xs.max()))),
                min(image.height, int(np.ceil(ys.max()))),
            )
            if box[2] > box[0] and box[3] > box[1]:
                boxes.append(box)
        return boxes


def _give_back_freed_memory() -> None:
    """Return the model's freed activations to the system (glibc keeps freed heap otherwise):
    a large image is read by Tesseract next, and the two peaks must not add up."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        pass
