"""`make draft-eval`: how faithful the drafts made from images are, per background mode.

    source scripts/lib.sh && .venv/bin/python -m bench.draft_eval [--only slides|ocr]
        [--modes template,photo,clean] [--json out.json] [--keep DIR] [--samples DIR]

Each image of samples/slides and samples/ocr (../shared/samples) is uploaded as a client would
(its image type from its manifest), read by the OCR service, and drafted into a deck on the
plainest template (`clean`, a white page) once per background mode (`template`, `photo`,
`clean`; an API without `background` drafts `photo` from `with_images`, and no `clean`). The
deck's first slide is rendered with LibreOffice at 1600 px wide, and:

- legible: Tesseract (the OCR service's language data and languages for the image type) reading
  the render, in reading order (page segmentation 3; where that finds no text, the lines of
  the sparse reading below), CER against the text the deck holds (its text elements' text in
  order): doubled, clipped, overlapping or invisible text raises it;
- same reader on the source: that reading of the source image against the deck's text, the
  floor the reader sets (slides it cannot read, a reading order it takes its own way);
- legible by line: each line of the deck's text against the render line most like it (spaces
  ignored; a line less than half like any counts whole), micro-averaged: legibility without the
  reader's reading order (which decides the page CER on slides of cards and tables);
- looks like: mean absolute grey-level difference (0-255) between the render and the source,
  both at 400x225, the source placed as the draft places it (fitted into 16:9, centred) and
  compared over that area only: outside it the slide shows the template by design;
- in place: each line of the deck's text is looked for, by its text, among the lines Tesseract
  finds (sparse text, page segmentation 11) on the render and on the source (mapped into the
  slide as the image is); the IoU of the two boxes in slide fractions, averaged. A deck line
  the render does not show counts 0; one not found on the source (a misreading, or text
  Tesseract cannot read there either) has nothing to be measured against and is left out.
  Lines match at normalised Levenshtein >= 0.5, spaces ignored; lines of fewer than two letters
  or digits are left out;
- CER vs truth: the deck's text against samples/ocr's ground truth.

Text is normalised as samples/ocr/score.py does. The `drawn` column is the background the deck
really has (from its spec: today's drafts ignore `background` and draw `clean` as `template`).
Prints a table per image and mode, then medians and means per set and mode; `--json` writes
every measure with the texts and lines behind it, `--keep` the decks, renders/*.png and the
services' logs. Starts its own gateway and workers on the
local servers (bench/cluster.py) in a namespace it removes afterwards (`make infra` first).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from PIL import Image

from bench import draft_report
from bench.draft_client import drawn_background, first_slide_text
from bench.draft_metrics import (
    SAMPLES,
    Line,
    cer,
    fitted_area,
    in_place,
    into_slide,
    line_legibility,
    looks_like,
    normalize,
    use_scorer,
)
from bench.draft_reading import Reading, read, upright
from bench.draft_render import first_slides
from bench.draft_report import Result
from bench.draft_runs import Drafted, draft_all
from bench.draft_samples import SETS, samples
from ocr_service.settings import OcrSettings

MODES = ("template", "photo", "clean")
RENDER_WIDTH = 1600  # pixels, about the width of the slide samples


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    use_scorer(args.samples / "ocr/score.py")
    chosen = samples(args.samples, args.only)
    began = time.perf_counter()
    work = args.keep or Path(tempfile.mkdtemp(prefix="jaryo-draft-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{len(chosen)} images x {len(args.modes)} modes; decks, renders and logs in {work}")
    tessdata = OcrSettings().tessdata_dir
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        # The sources are read while the services draft (both are CPU-bound, on other cores).
        sources = pool.starmap_async(read, [(s.path, s.language, tessdata) for s in chosen])
        drafts = draft_all(chosen, args.modes, work, args.ocr_workers)
        print(f"drafted in {time.perf_counter() - began:.0f} s")
        renders = first_slides([d.pptx for d in drafts if d.pptx], work / "renders", RENDER_WIDTH)
        print(f"rendered in {time.perf_counter() - began:.0f} s")
        read_renders = [(renders[d.pptx], d.sample.language, tessdata) for d in drafts if d.pptx]
        readings = dict(zip(renders.values(), pool.starmap(read, read_renders), strict=True))
        by_image = dict(zip((s.path for s in chosen), sources.get(), strict=True))
    results = [_measured(d, by_image[d.sample.path], renders, readings) for d in drafts]
    _print(results)
    if args.json:
        report = [asdict(result) for result in results]
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.keep is None:
        shutil.rmtree(work)
    print(f"draft-eval took {time.perf_counter() - began:.0f} s")
    return 0


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="holds slides/ and ocr/")
    parser.add_argument("--only", choices=SETS, help="one set of images")
    parser.add_argument(
        "--modes",
        type=lambda text: text.split(","),
        default=list(MODES),
        help="background modes, comma-separated (default template,photo,clean)",
    )
    parser.add_argument("--json", type=Path, help="write every measure, text and line here")
    parser.add_argument("--keep", type=Path, help="keep the decks and renders in this folder")
    parser.add_argument("--ocr-workers", type=int, default=2)
    args = parser.parse_args(argv)
    unknown = set(args.modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    return args


def _measured(
    drafted: Drafted, source: Reading, renders: dict[Path, Path], readings: dict[Path, Reading]
) -> Result:
    sample = drafted.sample
    result = Result(sample.set, sample.name, drafted.mode, note=drafted.note)
    if drafted.spec is None or drafted.pptx is None:
        return result
    render = renders[drafted.pptx]
    reading = readings[render]
    text = first_slide_text(drafted.spec)
    image = upright(sample.path)
    area = fitted_area(*image.size)
    placed = [Line(line.text, into_slide(line.box, area)) for line in source.lines]
    with Image.open(render) as rendered:
        result.looks_like = looks_like(rendered, image, area)
    result.drawn = drawn_background(drafted.spec)
    result.legible = cer(reading.text, text) if normalize(text) else None
    result.source_legible = cer(source.text, text) if normalize(text) else None
    result.line_legible = line_legibility(text.splitlines(), reading.lines)
    result.in_place = in_place(text.splitlines(), placed, reading.lines)
    result.truth_cer = None if sample.truth is None else cer(text, sample.truth)
    result.details = {
        "deck_text": text,
        "read_text": reading.text,
        "source_lines": placed,
        "render_lines": reading.lines,
        "render": str(render),
    }
    return result


def _print(results: list[Result]) -> None:
    for name in SETS:
        chosen = [r for r in results if r.set == name]
        if chosen:
            print(f"\n### {name}\n\n{draft_report.per_image(chosen)}")
    print(f"\n### per set and mode\n\n{draft_report.summary(results)}\n")


if __name__ == "__main__":
    raise SystemExit(main())
