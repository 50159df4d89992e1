"""`make ocr-eval`: the service's OCR path over the dev set, scored beside raw Tesseract.

    python -m ocr_service.evaluate [--samples ../shared/samples/ocr] [--json report.json]

Each image is read as a client would upload it: the image type follows from the manifest's
language and style, nothing else about the file is used. Raw Tesseract is scored in the same run:
page segmentation modes 3 and 6 with the same language data, one pass, no filtering.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import tesserocr

from ocr_service.bootstrap import build_reader
from ocr_service.images import load
from ocr_service.reader import LANGUAGES
from ocr_service.settings import OcrSettings

IMAGE_TYPES = {
    ("eng", "printed"): "eng-printed",
    ("eng", "handwritten"): "eng-handwritten",
    ("kor", "printed"): "kor-printed",
    ("kor", "handwritten"): "kor-handwritten",
    ("mixed", "printed"): "mixed-printed",
}
RAW_MODES = ((tesserocr.PSM.AUTO, "raw PSM 3"), (tesserocr.PSM.SINGLE_BLOCK, "raw PSM 6"))
GROUPS = ["ALL", "eng/printed", "kor/printed", "mixed/printed", "eng/handwritten"]


def main(argv: list[str] | None = None) -> int:
    default_samples = Path(__file__).resolve().parents[2].parent / "shared/samples/ocr"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=default_samples)
    parser.add_argument("--json", type=Path, help="write predictions and scores here")
    args = parser.parse_args(argv)
    scorer = _load_scorer(args.samples / "score.py")
    manifest = json.loads((args.samples / "manifest.json").read_text(encoding="utf-8"))
    settings = OcrSettings()
    reader = build_reader(settings)

    runs: dict[str, dict[str, str]] = {"jaryo": {}, "raw PSM 3": {}, "raw PSM 6": {}}
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for entry in manifest:
        raw = (args.samples / entry["file"]).read_bytes()
        image_type = IMAGE_TYPES[(entry["lang"], entry["style"])]
        started = time.perf_counter()
        runs["jaryo"][entry["file"]] = reader.read(raw, image_type).result.text
        seconds["jaryo"].append(time.perf_counter() - started)
        for mode, name in RAW_MODES:
            started = time.perf_counter()
            runs[name][entry["file"]] = _raw(settings, raw, LANGUAGES[image_type], mode)
            seconds[name].append(time.perf_counter() - started)

    scores = {name: _score(scorer, manifest, args.samples, preds) for name, preds in runs.items()}
    print(_table(scores, seconds))
    if args.json:
        args.json.write_text(
            json.dumps({"predictions": runs, "scores": scores}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0


_raw_apis: dict[str, tesserocr.PyTessBaseAPI] = {}


def _raw(settings: OcrSettings, raw: bytes, language: str, mode: int) -> str:
    """Plain Tesseract: one pass, the file's resolution, no filtering."""
    api = _raw_apis.get(language)
    if api is None:
        api = _raw_apis[language] = tesserocr.PyTessBaseAPI(
            path=str(settings.tessdata_dir), lang=language, oem=tesserocr.OEM.LSTM_ONLY
        )
    upright = load(raw, max_pixels=settings.max_image_pixels, read_pixels=settings.ocr_read_pixels)
    api.SetPageSegMode(mode)
    api.SetImage(upright.image)
    api.SetSourceResolution(upright.dpi)
    return str(api.GetUTF8Text())


def _load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("ocr_dev_set_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(
    scorer: ModuleType, manifest: list[dict[str, Any]], root: Path, predictions: dict[str, str]
) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest:
        truth = (root / entry["truth_file"]).read_text(encoding="utf-8")
        row = scorer.score_pair(predictions.get(entry["file"], ""), truth)
        groups.setdefault(f"{entry['lang']}/{entry['style']}", []).append(row)
        groups.setdefault("ALL", []).append(row)
    return {group: scorer._agg(rows) for group, rows in groups.items()}


def _table(scores: dict[str, dict[str, Any]], seconds: dict[str, list[float]]) -> str:
    header = "| pipeline | " + " | ".join(f"CER {g}" for g in GROUPS) + " | median s | max s |"
    rows = [header, "|" + "---|" * (len(GROUPS) + 3)]
    for name, groups in scores.items():
        cells = [f"{groups[g]['CER']:.3f}" if g in groups else "-" for g in GROUPS]
        times = seconds[name]
        rows.append(
            f"| {name} | "
            + " | ".join(cells)
            + f" | {statistics.median(times):.2f} | {max(times):.2f} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
