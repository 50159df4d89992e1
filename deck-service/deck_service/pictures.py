"""The bytes of a picture a deck places: the stored image, the copy of it with its text removed
(`variant: clean`) or the page made of a photo (`variant: page`), both kept by the OCR service,
when there is one."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from deck_service.bootstrap import Dependencies
from jaryo_shared.deck_spec import ImageElement
from jaryo_shared.keys import clean_background_key, page_key
from jaryo_shared.read_models import images, uploads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Picture:
    key: str  # which picture it is, so a slide's preview can be reused while its pictures are
    data: bytes


def picture(deps: Dependencies, user_id: str, element: ImageElement) -> Picture | None:
    """None if the image is gone (deleted with its upload, or purged). A clean copy or a page
    that is missing (the image was read before such copies were made, or none could be made)
    falls back to the original: the deck still shows the photo, as the editor does, and the
    person can change it there; failing would blame an image that is still available."""
    image = images.of_user(deps.db, user_id, element.image_id)
    if image is None or not image.stored:
        return None
    if uploads.deleted_among(deps.db, [image.upload_id]):
        return None
    bucket = deps.settings.bucket_images
    made = {"clean": clean_background_key, "page": page_key}.get(element.variant)
    if made is not None:
        key = made(user_id, image.upload_id, image.id)
        data = deps.store.get_bytes_if_present(bucket, key)
        if data is not None:
            # With its content's digest: a fix of the page's corners makes both copies again
            # under the same keys, and a preview showing the old ones must not be reused.
            return Picture(f"{key}@{hashlib.sha256(data).hexdigest()[:16]}", data)
        log.info("image %s has no %s copy; placing its original", image.id, element.variant)
    data = deps.store.get_bytes_if_present(bucket, image.image_path)
    return None if data is None else Picture(image.image_path, data)
