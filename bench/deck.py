"""Building a 50-slide deck through the service vs a bare python-pptx script making the same
deck in-process, in one run; and the same deck with slide previews on, for information.

    source scripts/lib.sh && .venv/bin/python -m bench.deck [--rounds 5] [--preview-rounds N]

Starts a gunicorn gateway (one worker) and `python -m deck_service` as the integration tests do
(bench/cluster.py), in a namespace of its own that it removes afterwards. Needs the local
servers (`make infra`). Through the service, the time runs from
`POST /v1/decks` until `GET /v1/decks/{id}?wait=60` answers completed; the deck service's own
step (started_at to completed_at on the deck document: template, build, S3 put, previews) is
shown beside it. Previews off is the like-for-like comparison with the bare script; previews on
adds LibreOffice rendering 50 PNGs. Prints medians; ratio = time / bare time (higher is slower).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time

import urllib3
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Pt

from bench import cluster
from jaryo_shared import database
from jaryo_shared.settings import Settings

SLIDES = 50
WIDTH, HEIGHT = 12_192_000, 6_858_000  # 16:9, as the built-in templates
FONT = "Noto Sans CJK KR"
TITLE = {"x": 0.05, "y": 0.05, "w": 0.9, "h": 0.15, "size": 32.0, "color": "#1F4E8C"}
BODY = {"x": 0.05, "y": 0.25, "w": 0.9, "h": 0.65, "size": 18.0, "color": "#1F2937"}


def title_text(n: int) -> str:
    return f"슬라이드 {n} — Slide {n}"


def body_text(n: int) -> str:
    return "\n".join(
        (
            f"첫째 줄: 문서 사진에서 읽은 글입니다 ({n}).",
            "Second line: text read from a photo of a page.",
            "셋째 줄 — 한국어와 English가 섞인 문장.",
            f"Fourth line: item {n} of {SLIDES}, with some numbers 12,345.67.",
        )
    )


def deck_spec(slides: int = SLIDES) -> dict:
    """The deck as `POST /v1/decks` takes it: a title box and a body box on every slide."""

    def text(box: dict, value: str) -> dict:
        return {"type": "text", "text": value, "font": FONT, **box}

    return {
        "template_id": "clean",
        "title": f"Bench deck {cluster.RUN}",
        "slides": [
            {"layout": "blank", "elements": [text(TITLE, title_text(n)), text(BODY, body_text(n))]}
            for n in range(1, slides + 1)
        ],
    }


def bare_python_pptx() -> float:
    """The same deck as a person would write it with python-pptx: default template, 16:9."""
    start = time.perf_counter()
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(WIDTH), Emu(HEIGHT)
    blank = deck.slide_layouts[6]
    for n in range(1, SLIDES + 1):
        slide = deck.slides.add_slide(blank)
        for box, value in ((TITLE, title_text(n)), (BODY, body_text(n))):
            shape = slide.shapes.add_textbox(
                Emu(round(box["x"] * WIDTH)),
                Emu(round(box["y"] * HEIGHT)),
                Emu(round(box["w"] * WIDTH)),
                Emu(round(box["h"] * HEIGHT)),
            )
            frame = shape.text_frame
            frame.word_wrap = True
            for number, line in enumerate(value.split("\n")):
                paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
                run = paragraph.add_run()
                run.text = line
                run.font.name = FONT
                run.font.size = Pt(box["size"])
                run.font.color.rgb = RGBColor.from_string(box["color"][1:])
    out = io.BytesIO()
    deck.save(out)
    elapsed = time.perf_counter() - start
    assert len(out.getvalue()) > 10_000
    return elapsed


def through_service(http, base, auth, spec: dict) -> tuple[float, str]:
    """Seconds from POST /v1/decks until the deck reads completed, and the deck's id."""
    start = time.perf_counter()
    response = http.request("POST", f"{base}/v1/decks", json=spec, headers=auth)
    assert response.status == 202, response.data[:300]
    deck_id = json.loads(response.data)["deck_id"]
    deadline = start + 300
    while True:  # ?wait= stops at 60 s; slow preview renders may need another ask
        view = json.loads(
            http.request("GET", f"{base}/v1/decks/{deck_id}?wait=60", headers=auth).data
        )
        if view["status"] in ("completed", "failed") or time.perf_counter() > deadline:
            break
    elapsed = time.perf_counter() - start
    assert view["status"] == "completed", view
    return elapsed, deck_id


def stages(db, deck_id: str) -> tuple[float, float] | None:
    """Queued (the deck's created_at to its build's started_at) and the deck service's step
    (started_at to completed_at), in seconds, to the millisecond the database keeps."""
    deck = db.decks.find_one({"_id": deck_id})
    build = db.deck_builds.find_one({"_id": deck_id}) or {}
    if "started_at" not in build or "completed_at" not in build:
        return None
    queued = (build["started_at"] - deck["created_at"]).total_seconds()
    return queued, (build["completed_at"] - build["started_at"]).total_seconds()


def check_file(http, base, auth, deck_id: str) -> None:
    """The service made the deck asked for (outside the timing, once)."""
    response = http.request("GET", f"{base}/v1/decks/{deck_id}/file", headers=auth)
    assert response.status == 200, response.data[:300]
    deck = Presentation(io.BytesIO(response.data))
    assert len(deck.slides) == SLIDES, len(deck.slides)
    assert deck.slides[0].shapes[0].text_frame.text == title_text(1)


def measure(http, base, auth, db, rounds: int, with_bare: bool) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        "bare": [],
        "service": [],
        "queued": [],
        "step": [],
        "lost": [],
    }
    spec = deck_spec()
    # A small deck first: the deck service is consuming, the gateway's listener is up.
    through_service(http, base, auth, deck_spec(slides=1))
    for round_ in range(rounds):  # interleaved, so both see the same machine load
        if with_bare:
            times["bare"].append(bare_python_pptx())
        elapsed, deck_id = through_service(http, base, auth, spec)
        times["service"].append(elapsed)
        found = stages(db, deck_id)
        if found is None:
            times["lost"].append(1.0)
        else:
            times["queued"].append(found[0])
            times["step"].append(found[1])
        if round_ == 0:
            check_file(http, base, auth, deck_id)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--preview-rounds", type=int, help="previews on; default --rounds, 0 skips")
    args = parser.parse_args()
    preview_rounds = args.rounds if args.preview_rounds is None else args.preview_rounds
    settings = cluster.bench_settings(Settings)
    began = time.perf_counter()
    with cluster.namespace(settings), cluster.gateway(settings) as (_, base):
        client = database.connect(settings)
        try:
            db = database.database(client, settings)
            http = urllib3.PoolManager(timeout=120)
            auth = cluster.sign_in(http, base)
            bare_python_pptx()  # python-pptx imported and warm in this process too
            with cluster.worker("deck_service", settings, JARYO_PREVIEWS="false"):
                off = measure(http, base, auth, db, args.rounds, with_bare=True)
            on = None
            if preview_rounds:
                with cluster.worker("deck_service", settings, JARYO_PREVIEWS="true"):
                    on = measure(http, base, auth, db, preview_rounds, with_bare=False)
        finally:
            client.close()
    report(off, on, began)


def report(off: dict[str, list[float]], on: dict[str, list[float]] | None, began: float) -> None:
    bare = statistics.median(off["bare"])

    def row(what: str, samples: list[float], ratio: bool = True) -> str:
        if not samples:
            return f"| {what} | n/a | | 0 |"
        median = statistics.median(samples)
        versus = f"{median / bare:.1f}×" if ratio else ""
        return f"| {what} | {median:.3f} | {versus} | {len(samples)} |"

    print(
        f"\n{SLIDES}-slide deck, template clean; medians; ratio = time / bare (higher is slower)\n"
    )
    print("| path | seconds | ratio | rounds |")
    print("|---|---:|---:|---:|")
    print(row("bare python-pptx, in process", off["bare"]))
    for label, times in (("previews off", off), ("previews on (informational)", on)):
        if times is None:
            continue
        print(row(f"service, {label}: POST → completed", times["service"]))
        print(
            row(
                "  of which insert, publish, pick-up (created → started)",
                times["queued"],
                ratio=False,
            )
        )
        print(row("  of which deck-service step (started → completed)", times["step"]))
    for label, times in (("previews off", off), ("previews on", on)):
        if times is not None and times["lost"]:
            print(
                f"\n{label}: {len(times['lost'])} of {len(times['service'])} completed decks had "
                "no started_at (a lost update; see stages()), so fewer stage rounds"
            )
    print(f"\nwhole run: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
