"""Object keys, in the seed's layout: everything of a user lives under `{user_id}/`."""

from __future__ import annotations


def upload_prefix(user_id: str, upload_id: str) -> str:
    return f"{user_id}/upload{upload_id}/"


def image_key(user_id: str, upload_id: str, image_name: str) -> str:
    return f"{upload_prefix(user_id, upload_id)}images/{image_name}"


def thumbnail_key(user_id: str, upload_id: str, image_id: str) -> str:
    return f"{upload_prefix(user_id, upload_id)}thumbnails/{image_id}.webp"


def clean_background_key(user_id: str, upload_id: str, image_id: str) -> str:
    """The image with its text removed (written by the OCR service), under the upload's prefix
    so it goes with the upload."""
    return f"{upload_prefix(user_id, upload_id)}backgrounds/{image_id}.png"


def page_key(user_id: str, upload_id: str, image_id: str) -> str:
    """The page the OCR service's capture step made of a photo (flattened, lit), beside the
    original under the upload's prefix so it goes with the upload."""
    return f"{upload_prefix(user_id, upload_id)}pages/{image_id}.jpg"


def deck_prefix(user_id: str, deck_id: str) -> str:
    return f"{user_id}/deck{deck_id}/"


def deck_revision_prefix(user_id: str, deck_id: str, revision: int) -> str:
    """Revision 1 keeps the deck's own prefix (where decks made before revisions keep theirs);
    each later one has `r{N}/` under it, so a slow build of one never overwrites another's."""
    prefix = deck_prefix(user_id, deck_id)
    return prefix if revision == 1 else f"{prefix}r{revision}/"


def deck_key(user_id: str, deck_id: str, slug: str, revision: int = 1) -> str:
    return f"{deck_revision_prefix(user_id, deck_id, revision)}{slug}.pptx"


def deck_pdf_key(user_id: str, deck_id: str, slug: str, revision: int = 1) -> str:
    """The revision's PDF, rendered when first asked for (`?format=pdf`), beside its .pptx under
    the revision's prefix, so whatever purges the revision's files purges it too."""
    return f"{deck_revision_prefix(user_id, deck_id, revision)}{slug}.pdf"


def deck_preview_key(user_id: str, deck_id: str, number: int, revision: int = 1) -> str:
    return f"{deck_revision_prefix(user_id, deck_id, revision)}previews/{number}.png"


def revision_of_deck_key(key: str, user_id: str, deck_id: str) -> int:
    """Which revision an object under the deck's prefix belongs to (the inverse of the above)."""
    rest = key.removeprefix(deck_prefix(user_id, deck_id))
    head, _, _ = rest.partition("/")
    if head.startswith("r") and head[1:].isdigit():
        return int(head[1:])
    return 1


def template_key(user_id: str, template_id: str) -> str:
    return f"{user_id}/templates/{template_id}.pptx"
