"""What goes into a person's export, read as the API reads it (the same service functions and
views), so the zip says what the API says: their live uploads and decks, found through their
listing partitions (never a scan of `uploads` or `decks`), and their own templates. Each is
read when its turn in the stream comes, so the request holds one upload's records at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gateway.account.export import Entry, json_entry, object_entry, text_entry
from gateway.account.names import safe_name
from gateway.bootstrap import Dependencies
from gateway.deck_templates import service as templates
from gateway.decks import pdf_file
from gateway.decks import service as decks
from gateway.uploads import service as uploads
from gateway.uploads import views as upload_views
from jaryo_shared import deck_listings, upload_listings
from jaryo_shared.database import by_id


def account(deps: Dependencies, user_id: str) -> dict[str, Any] | None:
    """The account's id, name and creation time; None if it no longer exists."""
    return by_id(deps.db.users, user_id, {"_id": 1, "username": 1, "created_at": 1})


def entries(deps: Dependencies, user_id: str) -> Iterator[Entry]:
    """The export's entries: the lists of the person's uploads, decks and templates are read
    now (small; a server out of reach is then a problem answer, before the zip begins), each
    upload's and deck's records when its turn comes."""
    listed_uploads, _ = upload_listings.of_user(deps.db, user_id)
    listed_decks = deck_listings.of_user(deps.db, user_id)
    own_templates = templates.own_templates(deps.db, user_id)
    return _entries(deps, user_id, listed_uploads, listed_decks, own_templates)


def _entries(
    deps: Dependencies,
    user_id: str,
    listed_uploads: list[dict[str, Any]],
    listed_decks: list[deck_listings.Listed],
    own_templates: list[dict[str, Any]],
) -> Iterator[Entry]:
    for entry in sorted(listed_uploads, key=lambda found: (found["created_at"], found["_id"])):
        upload = uploads.own_upload(deps.db, user_id, entry["_id"])
        if upload is not None:  # deleted, or its recording never finished
            yield from _upload(deps, user_id, upload)
    for listed in sorted(listed_decks, key=lambda one: (one.deck["created_at"], one.deck["_id"])):
        deck = decks.own_deck(deps.db, user_id, listed.deck["_id"], with_spec=True)
        if deck is not None:  # deleted, or its recording never finished
            yield from _deck(deps, deck)
    for template in own_templates:  # their own: the built-in ones are everybody's
        yield _template(deps, template)


def _upload(deps: Dependencies, user_id: str, upload: dict[str, Any]) -> Iterator[Entry]:
    """upload.json as GET /v1/uploads/{id} shows it; per image its original (as GET .../original
    serves it) and its OCR result and text (as the upload shows them); text.txt as GET .../text
    answers once the upload is read; the files as they were sent, while staging keeps them."""
    images = uploads.images(deps.db, user_id, upload["_id"])
    detail = upload_views.upload_detail(upload, images, uploads.results(deps.db, user_id, images))
    folder = f"uploads/{upload['created_at']:%Y-%m-%d}-{upload['_id']}"
    yield json_entry(f"{folder}/upload.json", detail)
    texts = []
    for image, shown in zip(images, detail["images"], strict=True):
        number = f"{image['index']:03d}"
        if image.get("storage", {}).get("status") == "stored":
            stem, _, extension = image["image_name"].rpartition(".")
            name = safe_name(stem, extension, fallback="image")
            yield object_entry(
                deps.store,
                deps.settings.bucket_images,
                image["image_path"],
                f"{folder}/originals/{number}-{name}",
            )
        ocr = shown["ocr"]
        if ocr["status"] != "queued":
            yield json_entry(f"{folder}/ocr/{number}.json", ocr)
        if ocr["status"] == "done":
            texts.append(ocr.get("text", ""))
            yield text_entry(f"{folder}/ocr/{number}.txt", ocr.get("text", ""))
    if upload["status"] != "processing":
        yield text_entry(f"{folder}/text.txt", "\n\n".join(texts))
    staged = (image.get("staging_key") for image in images)
    for key in dict.fromkeys(key for key in staged if key):  # a PDF's once, for all its pages
        stem, _, extension = key.rsplit("/", 1)[-1].rpartition(".")
        yield object_entry(
            deps.store,
            deps.settings.bucket_staging,
            key,
            f"{folder}/sent/{safe_name(stem, extension)}",
            kept_for_a_while=True,
        )


def _deck(deps: Dependencies, deck: dict[str, Any]) -> Iterator[Entry]:
    """deck.json, the spec of its latest revision (as GET .../spec); the .pptx of its latest
    built revision (as GET .../file) and its PDF if one was made; nothing more if never built."""
    folder = f"decks/{deck['_id']}-{safe_name(deck['title'], fallback='deck')}"
    yield json_entry(f"{folder}/deck.json", deck["spec"])
    if "built_revision" not in deck:
        return
    bucket = deps.settings.bucket_decks
    pptx = deck["file_path"].rsplit("/", 1)[-1].removesuffix(".pptx")
    yield object_entry(
        deps.store, bucket, deck["file_path"], f"{folder}/{safe_name(pptx, 'pptx', 'deck')}"
    )
    made = decks.pdf_of(deps.db, deck["_id"], deck["built_revision"])
    if made is not None and made.status == "ready" and made.file_path is not None:
        pdf = pdf_file.pdf_name(deck["file_path"]).removesuffix(".pdf")
        yield object_entry(
            deps.store, bucket, made.file_path, f"{folder}/{safe_name(pdf, 'pdf', 'deck')}"
        )


def _template(deps: Dependencies, template: dict[str, Any]) -> Entry:
    name = safe_name(template["name"], "pptx", fallback="template")
    return object_entry(
        deps.store,
        deps.settings.bucket_decks,
        template["file_path"],
        f"templates/{template['_id']}-{name}",
    )
