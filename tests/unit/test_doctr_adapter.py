"""The docTR adapter (ocr-service's optional engine).

The tests that run docTR build small randomly initialised models (no pretrained weights, nothing
downloaded: the network is cut while they run) and skip where python-doctr is not installed, as
in CI, which does without the `doctr` extra. The rest need no docTR: what happens without
weights or without a working torch, and the conversion of docTR's export to Jaryo's page.
"""

from __future__ import annotations

import builtins
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from jaryo_shared.ocr_result import Page
from ocr_service.engines import doctr as doctr_engine
from ocr_service.engines.doctr import DoctrEngine, load_doctr, page_from_export

# --- without docTR -------------------------------------------------------------------------------


def test_load_doctr_is_off_without_weights(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.WARNING):
        assert load_doctr(tmp_path) is None
    assert "weights missing" in caplog.text


def test_load_doctr_is_off_with_one_weight_file_missing(tmp_path: Path):
    (tmp_path / "detection.pt").write_bytes(b"")
    assert load_doctr(tmp_path) is None


@pytest.mark.parametrize(
    "error",
    [
        ModuleNotFoundError("No module named 'doctr'"),
        RuntimeError("operator torchvision::nms does not exist"),
        OSError("libcudnn.so.9: cannot open shared object file"),
    ],
)
def test_load_doctr_is_off_when_torch_or_doctr_cannot_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, error
):
    (tmp_path / "detection.pt").write_bytes(b"")
    (tmp_path / "recognition.pt").write_bytes(b"")
    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] in {"torch", "torchvision", "doctr"}:
            raise error
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    with caplog.at_level(logging.WARNING):
        assert load_doctr(tmp_path) is None
    assert "docTR is off" in caplog.text


def _word(value: str, confidence: float, geometry: Any) -> dict[str, Any]:
    return {
        "value": value,
        "confidence": confidence,
        "geometry": geometry,
        "objectness_score": 0.9,
        "crop_orientation": {"value": 0, "confidence": None},
    }


# docTR's documented export shape (Document.export()["pages"][0]), relative geometry.
EXPORT: dict[str, Any] = {
    "page_idx": 0,
    "dimensions": (400, 1000),
    "orientation": {"value": None, "confidence": None},
    "language": {"value": None, "confidence": None},
    "blocks": [
        {
            "geometry": ((0.1, 0.1), (0.6, 0.4)),
            "objectness_score": 0.9,
            "lines": [
                {
                    "geometry": ((0.1, 0.1), (0.6, 0.2)),
                    "objectness_score": 0.9,
                    "words": [
                        _word("Hello", 0.98, ((0.1, 0.1), (0.3, 0.2))),
                        _word("world", 0.5, ((0.35, 0.1), (0.6, 0.2))),
                        _word(" ", 0.99, ((0.6, 0.1), (0.61, 0.2))),
                    ],
                },
                {
                    "geometry": ((0.1, 0.3), (0.4, 0.4)),
                    "objectness_score": 0.9,
                    "words": [_word("", 0.1, ((0.1, 0.3), (0.2, 0.4)))],
                },
                {
                    # a polygon a little outside the page, as rotated boxes can be
                    "geometry": ((-0.01, 0.3), (0.4, 0.3), (0.4, 0.4), (-0.01, 0.4)),
                    "objectness_score": 0.9,
                    "words": [
                        _word("Jaryo", 0.6, ((-0.01, 0.3), (0.4, 0.3), (0.4, 0.4), (-0.01, 0.4)))
                    ],
                },
            ],
            "artefacts": [],
        },
        {
            "geometry": ((0.1, 0.7), (0.9, 0.8)),
            "objectness_score": 0.9,
            "lines": [
                {
                    "geometry": ((0.1, 0.7), (0.9, 0.8)),
                    "objectness_score": 0.9,
                    "words": [_word("decks", 0.59996, ((0.1, 0.7), (0.9, 0.8)))],
                }
            ],
            "artefacts": [],
        },
        {"geometry": ((0.0, 0.9), (1.0, 1.0)), "objectness_score": 0.1, "lines": []},
    ],
    "layout": [],
    "tables": [],
}


def test_page_from_export_converts_the_documented_shape():
    page = page_from_export(EXPORT)
    _assert_valid(page)
    assert len(page.blocks) == 2  # the block without lines is dropped
    first, second = page.blocks
    assert first.bbox == (0.1, 0.1, 0.6, 0.4)
    assert [line.text for line in first.lines] == ["Hello world", "Jaryo"]  # empty words dropped
    hello, world = first.lines[0].words
    assert (hello.text, hello.bbox, hello.confidence, hello.low_confidence) == (
        "Hello",
        (0.1, 0.1, 0.3, 0.2),
        98.0,
        False,
    )
    assert (world.confidence, world.low_confidence) == (50.0, True)
    assert first.lines[0].confidence == pytest.approx((98.0 + 50.0) / 2)
    assert first.lines[0].bbox == (0.1, 0.1, 0.6, 0.2)
    jaryo = first.lines[1]
    assert jaryo.bbox == (0.0, 0.3, 0.4, 0.4)  # polygon → its straight box, clamped to the page
    assert jaryo.words[0].confidence == 60.0
    assert jaryo.words[0].low_confidence is False  # 60 is not under the threshold
    decks = second.lines[0].words[0]
    assert (decks.confidence, decks.low_confidence) == (60.0, False)  # flagged by the value shown
    assert page.text == "Hello world\nJaryo\n\ndecks"


def test_page_from_export_of_an_empty_page():
    page = page_from_export({"page_idx": 0, "dimensions": (10, 10), "blocks": []})
    assert page == Page(text="", blocks=[])


def _assert_valid(page: Page) -> None:
    """Every box inside the image and ordered, confidences in 0..100, texts as documented."""
    Page.model_validate(page.model_dump())
    for block in page.blocks:
        boxes = [block.bbox]
        for line in block.lines:
            boxes.append(line.bbox)
            assert isinstance(line.text, str) and line.text.strip()
            assert 0 <= line.confidence <= 100
            assert line.words
            assert line.text == " ".join(word.text for word in line.words)
            assert line.confidence == pytest.approx(
                sum(word.confidence for word in line.words) / len(line.words), abs=0.01
            )
            for word in line.words:
                boxes.append(word.bbox)
                assert isinstance(word.text, str) and word.text.strip()
                assert 0 <= word.confidence <= 100
                assert word.low_confidence == (word.confidence < doctr_engine.LOW_WORD_CONFIDENCE)
        for x0, y0, x1, y1 in boxes:
            assert 0 <= x0 <= x1 <= 1 and 0 <= y0 <= y1 <= 1
    assert page.text == "\n\n".join(
        "\n".join(line.text for line in block.lines) for block in page.blocks
    )


# --- with docTR, on small random models ----------------------------------------------------------


def _no_network(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError(f"docTR tried to reach the network: {args[1:]}")


@pytest.fixture(scope="module")
def random_weights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """detection.pt and recognition.pt of freshly initialised default architectures, saved as
    state dicts like real fine-tuned weights would be. The network is cut while the module runs."""
    pytest.importorskip("doctr")
    import torch
    from doctr.models import detection, recognition
    from doctr.models.utils import pytorch as doctr_model_utils

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        patch.setattr(socket.socket, "connect_ex", _no_network)
        patch.setattr(doctr_model_utils, "download_from_url", _no_network)
        torch.manual_seed(0)
        archs = doctr_engine.DEFAULT_ARCHS
        det = getattr(detection, archs["detection"])(pretrained=False, pretrained_backbone=False)
        reco = getattr(recognition, archs["recognition"])(
            pretrained=False, pretrained_backbone=False
        )
        weights = tmp_path_factory.mktemp("doctr")
        torch.save(det.state_dict(), weights / "detection.pt")
        torch.save(reco.state_dict(), weights / "recognition.pt")
        yield weights


@pytest.fixture(scope="module")
def engine(random_weights: Path) -> DoctrEngine:
    loaded = load_doctr(random_weights)
    assert loaded is not None
    return loaded


def _text_image() -> Image.Image:
    image = Image.new("RGB", (800, 400), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=40)
    for row, text in enumerate(["Hello world", "Jaryo reads text", "The quick brown fox"]):
        draw.text((40, 40 + 110 * row), text, fill="black", font=font)
    return image


def test_load_doctr_loads_the_saved_weights(engine: DoctrEngine, random_weights: Path):
    import torch

    predictor = engine._predictor
    for file, model in [
        ("detection.pt", predictor.det_predictor.model),
        ("recognition.pt", predictor.reco_predictor.model),
    ]:
        saved = torch.load(random_weights / file, map_location="cpu", weights_only=True)
        loaded = model.state_dict()
        assert saved.keys() == loaded.keys()
        assert all(torch.equal(saved[key], loaded[key]) for key in saved)
    # straight pages, no orientation models: those would need downloaded weights
    assert predictor.crop_orientation_predictor is None
    assert predictor.page_orientation_predictor is None


def test_read_returns_a_valid_page(engine: DoctrEngine):
    page = engine.read(_text_image(), "eng", dpi=70, timeout_seconds=10)
    _assert_valid(page)  # a random model reads garbage, or nothing, but always a valid page


def test_a_real_export_converts_word_by_word(engine: DoctrEngine):
    """A random detector is unsure everywhere; binarising its map at its median finds boxes, so
    the conversion surely sees real words, lines and blocks from docTR."""
    import numpy as np

    predictor = engine._predictor
    pixels = np.asarray(_text_image())
    _, maps = predictor.det_predictor([pixels], return_maps=True)
    postprocessor = predictor.det_predictor.model.postprocessor
    thresholds = postprocessor.bin_thresh, postprocessor.box_thresh
    postprocessor.bin_thresh, postprocessor.box_thresh = float(np.median(maps[0])), 0.0
    try:
        export = predictor([pixels]).export()["pages"][0]
    finally:
        postprocessor.bin_thresh, postprocessor.box_thresh = thresholds

    exported = [
        word
        for block in export["blocks"]
        for line in block["lines"]
        for word in line["words"]
        if word["value"].strip()
    ]
    assert exported, "the random detector found no box even at its median"
    page = page_from_export(export)
    _assert_valid(page)
    words = [word for block in page.blocks for line in block.lines for word in line.words]
    assert len(words) == len(exported)
    for word, raw in zip(words, exported, strict=True):
        assert word.text == raw["value"]
        assert word.confidence == pytest.approx(100 * raw["confidence"], abs=0.01)
        (x0, y0), (x1, y1) = raw["geometry"]
        assert word.bbox == pytest.approx((x0, y0, x1, y1), abs=1e-4)
