"""What /v1/decks answers (the request bodies, DeckSpec and DeckFromUpload, are the shared
contract in jaryo_shared.deck_spec; views.py shapes the answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from gateway.schemas import Absent
from jaryo_shared.failures import FailureCode

DeckStatus = Literal["queued", "building", "completed", "failed"]


class AcceptedDeck(BaseModel):
    deck_id: str
    status: DeckStatus


class DeckLinks(BaseModel):
    self: str
    spec: str
    file: str | Absent = Field(None, description="once built")


class Deck(BaseModel):
    deck_id: str
    status: DeckStatus
    title: str
    template_id: str
    slide_count: int
    created_at: datetime
    expires_at: datetime | None = Field(
        description="when retention purges it; null if kept forever"
    )
    completed_at: datetime | Absent = None
    reason: str | Absent = Field(None, description="why the build failed")
    code: FailureCode | Absent = Field(
        None, description="why, as a stable machine-readable code beside `reason`"
    )
    size: int | Absent = Field(None, description="of the .pptx, once built")
    previews: list[str] | Literal["unavailable"] | Absent = Field(
        None, description="each slide's PNG, once built"
    )
    links: DeckLinks


class DeckPage(BaseModel):
    items: list[Deck]
    next_cursor: str | None


class PreviewPath(BaseModel):
    deck_id: str
    number: int = Field(ge=1, description="slides are numbered from 1")
