"""How decks look to API clients."""

from __future__ import annotations

from typing import Any

from flask import url_for

from gateway.uploads.views import expires_at
from jaryo_shared.failures import FailureCode


def deck_view(deck: dict[str, Any]) -> dict[str, Any]:
    ids = {"deck_id": deck["_id"]}
    view: dict[str, Any] = {
        "deck_id": deck["_id"],
        "status": deck["status"],
        "revision": deck["revision"],
        "title": deck["title"],
        "template_id": deck["template_id"],
        "slide_count": deck["slide_count"],
        "created_at": deck["created_at"].isoformat(),
        "expires_at": expires_at(deck["created_at"]),
        "links": {
            "self": url_for("decks.get_deck", **ids),
            "spec": url_for("decks.get_spec", **ids),
        },
    }
    if deck.get("completed_at"):
        view["completed_at"] = deck["completed_at"].isoformat()
    if deck["status"] == "failed" and deck.get("reason"):
        view["reason"] = deck["reason"]
        view["code"] = deck.get("code") or FailureCode.UNSPECIFIED.value
    if "built_revision" in deck:  # the file and previews, also while a newer revision builds
        view["built_revision"] = deck["built_revision"]
        view["size"] = deck["file_size"]
        view["links"]["file"] = url_for("decks.get_file", **ids)
        view.update(_previews(deck, ids))
    return view


def _previews(deck: dict[str, Any], ids: dict[str, Any]) -> dict[str, Any]:
    """Their status, and their URLs once ready: none while pending (they follow the deck),
    "unavailable" if none will come for this revision (the render failed, or cannot run)."""
    status = deck["previews_status"]
    shown: dict[str, Any] = {"previews_status": status}
    if status == "ready":
        numbers = range(1, deck["preview_count"] + 1)
        shown["previews"] = [url_for("decks.get_preview", number=n, **ids) for n in numbers]
    elif status != "pending":
        shown["previews"] = "unavailable"
    return shown
