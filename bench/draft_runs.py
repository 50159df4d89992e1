"""Drafting every sample with every background mode through a cluster of its own (bench/cluster.py:
gateway, storage, OCR and deck services on the local servers, in a namespace removed
afterwards): every image uploaded at once, each read upload drafted once per mode, each built
deck's spec and .pptx fetched."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import urllib3

from bench import cluster
from bench.draft_client import Api, download, draft, finished, spec, upload
from bench.draft_samples import Sample
from jaryo_shared.settings import Settings

TEMPLATE = "clean"  # the plainest built-in template: a white page
UPLOAD_SECONDS = 600  # for the whole set to be read
DECK_SECONDS = 300


@dataclass
class Drafted:
    sample: Sample
    mode: str
    spec: dict[str, Any] | None = None
    pptx: Path | None = None
    note: str = ""  # why there is no deck


def draft_all(
    samples: list[Sample], modes: list[str], work: Path, ocr_workers: int
) -> list[Drafted]:
    """Each sample drafted with each mode, in that order; the decks' files in `work`."""
    settings = cluster.bench_settings(Settings)
    with ExitStack() as stack:
        stack.enter_context(cluster.namespace(settings))
        _, base = stack.enter_context(cluster.gateway(settings, log=_log(stack, work, "gateway")))
        services: tuple[tuple[str, dict[str, str]], ...] = (
            ("storage_service", {}),
            ("ocr_service", {"JARYO_OCR_WORKERS": str(ocr_workers)}),
            ("deck_service", {"JARYO_PREVIEWS": "false"}),  # rendered here, at a larger size
        )
        for module, env in services:
            log = _log(stack, work, module)
            stack.enter_context(cluster.worker(module, settings, log=log, **env))
        http = urllib3.PoolManager(timeout=120)
        api = Api(http, base, cluster.sign_in(http, base))
        return _built(api, _requested(api, samples, modes), work)


def _log(stack: ExitStack, work: Path, name: str) -> IO[bytes]:
    (work / "logs").mkdir(parents=True, exist_ok=True)
    return stack.enter_context((work / "logs" / f"{name}.log").open("ab"))


def _requested(api: Api, samples: list[Sample], modes: list[str]) -> list[tuple[Drafted, str]]:
    """Every upload posted at once, then, as each is read, a draft asked for per mode: each
    with its deck id ("" when there is none)."""
    uploads = [(sample, upload(api, sample.path, sample.image_type)) for sample in samples]
    asked = []
    for sample, upload_id in uploads:
        read = finished(api, f"/v1/uploads/{upload_id}", timeout=UPLOAD_SECONDS)
        for mode in modes:
            if read["status"] != "completed":
                asked.append((Drafted(sample, mode, note=f"upload {read['status']}"), ""))
                continue
            deck_id = draft(api, upload_id, TEMPLATE, mode)
            note = "" if deck_id else "the API has no `background`"
            asked.append((Drafted(sample, mode, note=note), deck_id or ""))
    return asked


def _built(api: Api, asked: list[tuple[Drafted, str]], work: Path) -> list[Drafted]:
    """Each asked draft with its spec and file once built."""
    for drafted, deck_id in asked:
        if not deck_id:
            continue
        deck = finished(api, f"/v1/decks/{deck_id}", timeout=DECK_SECONDS)
        if deck["status"] != "completed":
            drafted.note = f"deck failed: {deck.get('reason', '')}"
            continue
        drafted.spec = spec(api, deck_id)
        name = f"{drafted.sample.path.stem}-{drafted.mode}.pptx"
        drafted.pptx = download(api, deck_id, work / name)
    return [drafted for drafted, _ in asked]
