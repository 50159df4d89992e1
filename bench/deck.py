"""Building a 50-slide deck through the service vs a bare python-pptx script making the same
deck in-process, in one run, with slide previews on (the default, as deployed): previews follow
the deck, so "completed" no longer waits for LibreOffice. Also when the previews are ready,
what a revision with one slide changed costs (only that slide is rendered), and LibreOffice on a
1-slide excerpt vs the whole deck.

    source scripts/lib.sh && .venv/bin/python -m bench.deck [--rounds 5] [--previews-off]
        [--profile]

Starts a gunicorn gateway (one worker) and `python -m deck_service` as the integration tests do
(bench/cluster.py), in a namespace of its own that it removes afterwards. Needs the local
servers (`make infra`). Through the service, the time runs from `POST /v1/decks` until
`GET /v1/decks/{id}?wait=60` answers completed; the deck service's own step (started_at to
completed_at on the deck's build: template, build, S3 put, outcome) is shown beside it, then
POST → previews ready (asked every 0.1 s). Each round waits for its previews before the next,
so no round queues behind another's render. Prints medians; ratio = time / bare time. With
`--profile`, the deck service's handler runs once in this process under cProfile (previews off:
the step up to completed), and the top of the profile is printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import time
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Pt

from bench import cluster, deck_renders, figures
from bench.deck_client import Api, Posted, post, revise
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


STAGES = ("recorded", "queued", "step", "answered")


def stages(db, posted: Posted) -> dict[str, float] | None:
    """Seconds of each stage, from the clock here and the database's timestamps (to its
    millisecond): POST sent → the deck's created_at (recorded), → its build's started_at
    (queued: the rest of the POST, publish, pick-up, the service's checks), → completed_at
    (the deck service's step), → the answer of ?wait (the write, deck.completed, the gateway's
    listener and its re-read)."""
    deck = db.decks.find_one({"_id": posted.deck_id})
    build = db.deck_builds.find_one({"_id": posted.deck_id}) or {}
    if "started_at" not in build or "completed_at" not in build:
        return None
    created, started = deck["created_at"].timestamp(), build["started_at"].timestamp()
    completed = build["completed_at"].timestamp()
    sent, answered = posted.wall
    return dict(
        zip(
            STAGES,
            (created - sent, started - created, completed - started, answered - completed),
            strict=True,
        )
    )


def check_file(api: Api, deck_id: str) -> None:
    """The service made the deck asked for (outside the timing, once)."""
    response = api.call("GET", f"/v1/decks/{deck_id}/file")
    assert response.status == 200, response.data[:300]
    deck = Presentation(io.BytesIO(response.data))
    assert len(deck.slides) == SLIDES, len(deck.slides)
    assert deck.slides[0].shapes[0].text_frame.text == title_text(1)


def measure(api: Api, db, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {key: [] for key in ("bare", "service", "previews", *STAGES)}
    times.update(lost=[], revised=[], revised_previews=[])
    post(api, deck_spec(slides=1))  # the deck service is consuming, the gateway's listener is up
    deck_id = ""
    for round_ in range(rounds):  # interleaved, so both see the same machine load
        times["bare"].append(bare_python_pptx())
        posted = post(api, deck_spec())
        deck_id = posted.deck_id
        times["service"].append(posted.completed)
        times["previews"].append(posted.previews)
        found = stages(db, posted)
        if found is None:
            times["lost"].append(1.0)
        for stage, seconds in (found or {}).items():
            times[stage].append(seconds)
        if round_ == 0:
            check_file(api, deck_id)
    spec = deck_spec()
    for revision in range(2, rounds + 2):  # the last deck, one slide changed each time
        completed, previews = revise(api, deck_id, spec, revision, slide=revision * 7 % SLIDES)
        times["revised"].append(completed)
        times["revised_previews"].append(previews)
    return times


def profile_handler(api: Api, db, settings: Settings) -> str:
    """The deck service's handler once in this process under cProfile, previews off (no worker
    runs now: the deck's message waits in the queue, and is purged with the namespace)."""
    from deck_service.bootstrap import bootstrap
    from deck_service.handlers import handle_deck_requested
    from deck_service.settings import DeckSettings
    from jaryo_shared import events

    deps = bootstrap(DeckSettings(**settings.model_dump(), previews=False))

    def asked() -> tuple[events.Envelope, events.DeckRequested]:
        response = api.call("POST", "/v1/decks", json=deck_spec())
        deck_id = json.loads(response.data)["deck_id"]
        user_id = db.decks.find_one({"_id": deck_id})["user_id"]
        payload = events.DeckRequested(
            deck_id=deck_id, user_id=user_id, template_id="clean", slide_count=SLIDES
        )
        return events.wrap(payload, source="bench"), payload

    handle_deck_requested(deps, *asked())  # warm, as a worker is after its first deck
    profile = cProfile.Profile()
    profile.runcall(handle_deck_requested, deps, *asked())
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(22)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--previews-off", action="store_true", help="JARYO_PREVIEWS=false")
    parser.add_argument("--profile", action="store_true", help="cProfile the handler once")
    parser.add_argument("--figures", type=Path, help="save the issue-16 figures here (JSON)")
    args = parser.parse_args()
    settings = cluster.bench_settings(Settings)
    began, profiled = time.perf_counter(), ""
    with cluster.namespace(settings), cluster.gateway(settings) as (_, base):
        client = database.connect(settings)
        try:
            db = database.database(client, settings)
            api = Api(base)
            bare_python_pptx()  # python-pptx imported and warm in this process too
            previews = "false" if args.previews_off else "true"
            with cluster.worker("deck_service", settings, JARYO_PREVIEWS=previews):
                times = measure(api, db, args.rounds)
            if args.profile:
                profiled = profile_handler(api, db, settings)
        finally:
            client.close()
    renders = deck_renders.measure(deck_spec(), rounds=3)
    report(times, renders, "off" if args.previews_off else "on", began)
    print(profiled)
    figures.save(args.figures, issue_figures(times))


def issue_figures(times: dict[str, list[float]]) -> list[figures.Figure]:
    bare = statistics.median(times["bare"])
    return [
        figures.Figure(
            f"{SLIDES}-slide deck, POST → completed vs bare python-pptx",
            statistics.median(times["service"]) / bare,
            "<= 1.5",
            "previews on, as deployed; they follow the deck",
        ),
        figures.Figure(
            "deck-service step alone vs bare python-pptx",
            statistics.median(times["step"]) / bare,
            "<= 1.3",
            "started_at → completed_at on the deck's build",
        ),
    ]


def report(
    times: dict[str, list[float]], renders: dict[str, list[float]], previews: str, began: float
) -> None:
    bare = statistics.median(times["bare"])

    def row(what: str, samples: list[float], ratio: bool = True) -> str:
        if not samples:
            return f"| {what} | n/a | | 0 |"
        median = statistics.median(samples)
        versus = f"{median / bare:.2f}×" if ratio else ""
        return f"| {what} | {median:.3f} | {versus} | {len(samples)} |"

    print(
        f"\n{SLIDES}-slide deck, template clean, previews {previews}; medians; "
        "ratio = time / bare python-pptx (higher is slower)\n"
    )
    print("| path | seconds | ratio | rounds |\n|---|---:|---:|---:|")
    print(row("bare python-pptx, in process", times["bare"]))
    print(row("service: POST → completed (target ≤ 1.5×)", times["service"]))
    print(row("  of which POST sent → deck recorded (created_at)", times["recorded"], False))
    print(row("  of which recorded → build started (publish, pick-up)", times["queued"], False))
    print(row("  of which deck-service step (started → completed; target ≤ 1.3×)", times["step"]))
    print(row("  of which completed → ?wait answered", times["answered"], False))
    print(row("service: POST → previews ready", times["previews"], False))
    print(row("revision, 1 slide changed: PUT → completed", times["revised"], False))
    print(row("revision, 1 slide changed: PUT → previews ready", times["revised_previews"], False))
    if times["lost"]:
        print(f"\n{len(times['lost'])} completed decks had no started_at (a lost update)")
    if renders:
        print("\nLibreOffice in this process (pptx → PDF → PNGs at 48 dpi), medians of 3:\n")
        print("| slides rendered | seconds |\n|---|---:|")
        for size, samples in renders.items():
            print(f"| {SLIDES if size == 'all' else size} | {statistics.median(samples):.2f} |")
    print(f"\nwhole run: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
