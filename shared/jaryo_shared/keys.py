"""Object keys, in the seed's layout: everything of a user lives under `{user_id}/`."""

from __future__ import annotations


def upload_prefix(user_id: str, upload_id: str) -> str:
    return f"{user_id}/upload{upload_id}/"


def image_key(user_id: str, upload_id: str, image_name: str) -> str:
    return f"{upload_prefix(user_id, upload_id)}images/{image_name}"


def thumbnail_key(user_id: str, upload_id: str, image_id: str) -> str:
    return f"{upload_prefix(user_id, upload_id)}thumbnails/{image_id}.webp"


def deck_prefix(user_id: str, deck_id: str) -> str:
    return f"{user_id}/deck{deck_id}/"


def deck_key(user_id: str, deck_id: str, slug: str) -> str:
    return f"{deck_prefix(user_id, deck_id)}{slug}.pptx"


def deck_preview_key(user_id: str, deck_id: str, number: int) -> str:
    return f"{deck_prefix(user_id, deck_id)}previews/{number}.png"


def template_key(user_id: str, template_id: str) -> str:
    return f"{user_id}/templates/{template_id}.pptx"
