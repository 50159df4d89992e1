"""Waiting for a deck's slide previews, which follow the deck: `?wait` answers once the deck is
built, while its previews may still be `pending`."""

from __future__ import annotations

from typing import Any

from tests.helpers import wait_until


def with_previews(client, user, location: str, timeout: float = 120) -> dict[str, Any]:
    """The deck once its previews are no longer pending (ready, failed or unavailable)."""

    def settled() -> dict[str, Any] | None:
        deck = client.get(location, headers=user.auth).get_json()
        return None if deck.get("previews_status", "pending") == "pending" else deck

    return wait_until(settled, timeout=timeout, interval=0.2)
