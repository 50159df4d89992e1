"""The deck service's settings."""

from __future__ import annotations

from pydantic import Field

from jaryo_shared.settings import Settings


class DeckSettings(Settings):
    service_name: str = "deck-service"
    previews: bool = Field(default=True, description="render slide PNGs when LibreOffice is here")
    preview_dpi: int = Field(default=48, ge=10, le=300)
    pdf_render_timeout_seconds: float = Field(
        default=180, gt=0, le=1800, description="longest LibreOffice may take for one PDF"
    )
