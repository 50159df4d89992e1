"""A .pptx of some of a built deck's slides, for LibreOffice to render only the slides whose
previews changed (it renders whole files; a smaller file is a shorter render)."""

from __future__ import annotations

import io

from pptx import Presentation


def slides_only(built: bytes, numbers: list[int]) -> bytes:
    """The deck with only these slides (numbered from 1), in their order. Parts only the
    dropped slides used (their pictures) are not written: python-pptx saves what is linked."""
    deck = Presentation(io.BytesIO(built))
    kept = set(numbers)
    slide_ids = deck.slides._sldIdLst
    for number, slide_id in enumerate(list(slide_ids), 1):
        if number not in kept:
            deck.part.drop_rel(slide_id.rId)
            slide_ids.remove(slide_id)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
