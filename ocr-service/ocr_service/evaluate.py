"""`make ocr-eval`: the service's OCR path over the dev set, scored beside raw Tesseract.

    python -m ocr_service.evaluate [--samples ../shared/samples/ocr] [--json report.json]
    python -m ocr_service.evaluate --samples ../shared/samples/photos --capture [--pictures DIR]

Each image is read as a client would upload it: the image type follows from the manifest's
language and style, nothing else about the file is used. Raw Tesseract is scored in the same run:
page segmentation modes 3 and 6 with the same language data, one pass, no filtering.

With `--capture` each image is also read through the capture step (ocr_service.capture), and a
second table gives each image's CER without and with it, what the step did and how long it
took, and the step's time on a 12-megapixel photo (the largest photo with a document found,
scaled to 12 MP). `--pictures DIR` saves each photo with the corners found and what was read.
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
from PIL import Image, ImageDraw

from ocr_service.bootstrap import build_reader
from ocr_service.capture import Capture, capture
from ocr_service.images import load
from ocr_service.reader import LANGUAGES, Reader
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
TWELVE_MP = 12_000_000
TIMING_RUNS = 3
PICTURE_SIDE = 600


def main(argv: list[str] | None = None) -> int:
    default_samples = Path(__file__).resolve().parents[2].parent / "shared/samples/ocr"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=default_samples)
    parser.add_argument("--json", type=Path, help="write predictions and scores here")
    parser.add_argument(
        "--capture", action="store_true", help="also read through the capture step, per image"
    )
    parser.add_argument("--skip-raw", action="store_true", help="leave raw Tesseract out")
    parser.add_argument("--pictures", type=Path, help="with --capture: save before/after here")
    args = parser.parse_args(argv)
    scorer = _load_scorer(_scorer_path(args.samples))
    manifest = json.loads((args.samples / "manifest.json").read_text(encoding="utf-8"))
    settings = OcrSettings()
    readers = {"jaryo": build_reader(settings.model_copy(update={"ocr_capture": False}))}
    if args.capture:
        readers["jaryo + capture"] = build_reader(settings.model_copy(update={"ocr_capture": True}))
    modes = () if args.skip_raw else RAW_MODES

    runs: dict[str, dict[str, str]] = {name: {} for name in [*readers, *(n for _, n in modes)]}
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    captures: dict[str, tuple[Capture, float]] = {}
    for entry in manifest:
        raw = (args.samples / entry["file"]).read_bytes()
        image_type = IMAGE_TYPES[(entry["lang"], entry["style"])]
        for name, reader in readers.items():
            runs[name][entry["file"]], took = _read(reader, raw, image_type)
            seconds[name].append(took)
        for mode, name in modes:
            started = time.perf_counter()
            runs[name][entry["file"]] = _raw(settings, raw, LANGUAGES[image_type], mode)
            seconds[name].append(time.perf_counter() - started)
        if args.capture:
            captures[entry["file"]] = _timed_capture(settings, raw)

    scores = {name: _score(scorer, manifest, args.samples, preds) for name, preds in runs.items()}
    print(_table(scores, seconds))
    if args.capture:
        print()
        print(_capture_table(scorer, manifest, args.samples, runs, captures))
        print()
        print(_twelve_megapixels(settings, args.samples, captures))
        if args.pictures:
            _save_pictures(settings, args.samples, captures, args.pictures)
    if args.json:
        args.json.write_text(
            json.dumps({"predictions": runs, "scores": scores}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0


def _scorer_path(samples: Path) -> Path:
    """The set's own scorer, or the scan set's beside it (the photo set shares it)."""
    own = samples / "score.py"
    return own if own.exists() else samples.parent / "ocr" / "score.py"


def _read(reader: Reader, raw: bytes, image_type: str) -> tuple[str, float]:
    started = time.perf_counter()
    text = reader.read(raw, image_type).result.text
    return text, time.perf_counter() - started


def _timed_capture(settings: OcrSettings, raw: bytes) -> tuple[Capture, float]:
    """The capture step alone on the image the reader reads (decoded upright, as stored): its
    result and its median time over TIMING_RUNS runs."""
    upright = load(raw, max_pixels=settings.max_image_pixels, read_pixels=settings.ocr_read_pixels)
    return _median_time(upright.image)


def _median_time(photo: Image.Image) -> tuple[Capture, float]:
    times = []
    for _ in range(TIMING_RUNS):
        started = time.perf_counter()
        found = capture(photo)
        times.append(time.perf_counter() - started)
    return found, statistics.median(times)


def _capture_table(
    scorer: ModuleType,
    manifest: list[dict[str, Any]],
    root: Path,
    runs: dict[str, dict[str, str]],
    captures: dict[str, tuple[Capture, float]],
) -> str:
    rows = [
        "| photo | MP | CER before | CER after | document found (confidence) | step s |",
        "|---|---|---|---|---|---|",
    ]
    totals = {"jaryo": [0, 0], "jaryo + capture": [0, 0]}
    for entry in manifest:
        truth = (root / entry["truth_file"]).read_text(encoding="utf-8")
        cers = []
        for name, total in totals.items():
            row = scorer.score_pair(runs[name][entry["file"]], truth)
            total[0] += row["edits"]
            total[1] += row["n"]
            cers.append(row["edits"] / max(1, row["n"]))
        found, took = captures[entry["file"]]
        done = ", ".join(found.steps) or "kept as it is"
        what = f"yes ({found.confidence:.2f}): {done}" if found.confidence else f"no: {done}"
        megapixels = _megapixels(root / entry["file"])
        rows.append(
            f"| {entry['file']} | {megapixels:.1f} | {cers[0]:.3f} | {cers[1]:.3f} | {what} "
            f"| {took:.2f} |"
        )
    before, after = (edits / max(1, n) for edits, n in totals.values())
    times = [took for _, took in captures.values()]
    rows.append(f"| **ALL** | | **{before:.3f}** | **{after:.3f}** | | max {max(times):.2f} |")
    return "\n".join(rows)


def _megapixels(path: Path) -> float:
    with Image.open(path) as image:
        return image.width * image.height / 1e6


def _twelve_megapixels(
    settings: OcrSettings, root: Path, captures: dict[str, tuple[Capture, float]]
) -> str:
    """The step's time on 12 MP photos: each photo the step changed, scaled to 12 MP, the
    median of TIMING_RUNS runs; the slowest is the figure to hold to the budget."""
    changed = [name for name, (result, _) in captures.items() if result.steps]
    if not changed:
        return "12 MP: the step changed no photo"
    rows = []
    for name in changed:
        raw = (root / name).read_bytes()
        photo = load(raw, max_pixels=settings.max_image_pixels, read_pixels=TWELVE_MP * 2).image
        scale = (TWELVE_MP / (photo.width * photo.height)) ** 0.5
        photo = photo.resize((round(photo.width * scale), round(photo.height * scale)))
        result, took = _median_time(photo)
        rows.append(
            f"{name} at {photo.width}x{photo.height}: {took:.2f} s ({', '.join(result.steps)})"
        )
    return "capture step on 12 MP photos, median of each:\n" + "\n".join(rows)


def _save_pictures(
    settings: OcrSettings, root: Path, captures: dict[str, tuple[Capture, float]], out: Path
) -> None:
    """Each photo with the corners found drawn on it, and the image the reader then read."""
    out.mkdir(parents=True, exist_ok=True)
    for name, (result, _) in captures.items():
        raw = (root / name).read_bytes()
        upright = load(
            raw, max_pixels=settings.max_image_pixels, read_pixels=settings.ocr_read_pixels
        )
        photo = upright.image.convert("RGB")
        if result.corners is not None:
            draw = ImageDraw.Draw(photo)
            points = [(x * photo.width, y * photo.height) for x, y in result.corners]
            draw.line([*points, points[0]], fill=(255, 40, 40), width=max(3, photo.width // 150))
        stem = Path(name).stem
        for suffix, image in (("before", photo), ("after", result.image.convert("RGB"))):
            image.thumbnail((PICTURE_SIDE, PICTURE_SIDE))
            image.save(out / f"{stem}-{suffix}.jpg", quality=82)


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
