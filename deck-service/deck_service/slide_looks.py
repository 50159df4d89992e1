"""What each slide's preview depends on, as one hash per slide: the slide's spec, the template
(its bytes) and default font, the objects its pictures come from, and the preview resolution.
A slide of a new revision whose hash a stored preview has is copied, not rendered again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from jaryo_shared.deck_spec import DeckSpec, ImageElement, Slide

# Bump when the build changes how a slide looks (the stored hashes then match nothing).
LOOK_VERSION = 1

PictureKeys = Mapping[tuple[str, str], str]  # (image_id, variant) -> the object placed


def slide_hashes(
    spec: DeckSpec, template: bytes, font: str, pictures: PictureKeys, dpi: int
) -> list[str]:
    template_digest = hashlib.sha256(template).hexdigest()
    return [_look(slide, template_digest, font, pictures, dpi) for slide in spec.slides]


def _look(slide: Slide, template: str, font: str, pictures: PictureKeys, dpi: int) -> str:
    placed = [
        pictures[(element.image_id, element.variant)]
        for element in slide.elements
        if isinstance(element, ImageElement)
    ]
    look = {
        "version": LOOK_VERSION,
        "slide": slide.model_dump(mode="json"),
        "template": template,
        "font": font,
        "pictures": placed,
        "dpi": dpi,
    }
    return hashlib.sha256(json.dumps(look, sort_keys=True).encode()).hexdigest()
