"""What /v1/decks answers (the request bodies, DeckSpec and DeckFromUpload, are the shared
contract in jaryo_shared.deck_spec; views.py shapes the answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from gateway.schemas import Absent, WaitQuery
from jaryo_shared.failures import FailureCode
from jaryo_shared.read_models.deck_builds import PreviewsStatus

DeckStatus = Literal["queued", "building", "completed", "failed"]


class AcceptedDeck(BaseModel):
    deck_id: str
    status: DeckStatus
    revision: int = Field(description='the revision being built; its ETag is `"r{revision}"`')


class FileQuery(WaitQuery):
    """`?format` and `?wait` of GET /v1/decks/{id}/file (gateway.decks.pdf_file reads them)."""

    format: Literal["pptx", "pdf"] | Absent = Field(
        None,
        description="`pptx` (the default) or `pdf`: the PDF is rendered when first asked for, "
        "once per revision; until it is ready the answer is 202 (`?wait` waits for it)",
    )


class RenderingPdf(BaseModel):
    status: Literal["rendering"]
    revision: int = Field(ge=1, description="the built revision whose PDF is being made")


class DeckLinks(BaseModel):
    self: str
    spec: str
    file: str | Absent = Field(None, description="the .pptx of `built_revision`, once one is built")


class Deck(BaseModel):
    """The deck at its latest revision. `status` is that revision's: `completed` only once it
    is built. The file, `size` and `previews` are those of `built_revision`, the latest revision
    built, which is older than `revision` while a newer one is queued, building or failed."""

    deck_id: str
    status: DeckStatus
    revision: int = Field(
        ge=1, description="the latest revision of the spec (1 as created, +1 per PUT of /spec)"
    )
    built_revision: int | Absent = Field(
        None, description="the revision the file and previews are of; absent until one is built"
    )
    title: str
    template_id: str
    slide_count: int
    created_at: datetime
    expires_at: datetime | None = Field(
        description="when retention purges it; null if kept forever"
    )
    completed_at: datetime | Absent = Field(None, description="when `revision` finished")
    reason: str | Absent = Field(None, description="why the build of `revision` failed")
    code: FailureCode | Absent = Field(
        None, description="why, as a stable machine-readable code beside `reason`"
    )
    size: int | Absent = Field(None, description="of the .pptx of `built_revision`")
    previews: list[str] | Literal["unavailable"] | Absent = Field(
        None,
        description="each slide's PNG, of `built_revision`, once `previews_status` is ready; "
        "`unavailable` if it is failed or unavailable; absent while pending",
    )
    previews_status: PreviewsStatus | Absent = Field(
        None,
        description="the previews of `built_revision` follow its file: `pending` while they are "
        "made (`?wait` does not wait for them; `deck.previews_ready` announces them), then "
        "`ready`, or `failed` (the render failed) or `unavailable` (previews are not made here)",
    )
    links: DeckLinks


class DeckPage(BaseModel):
    items: list[Deck]
    next_cursor: str | None


class PreviewPath(BaseModel):
    deck_id: str
    number: int = Field(ge=1, description="slides are numbered from 1")


class IfMatchHeader(BaseModel):
    if_match: str = Field(
        alias="If-Match",
        description="the ETag of the revision the edit started from (GET .../spec answers it); "
        "without it 428, and 412 if another edit came first",
    )


class IfNoneMatchHeader(BaseModel):
    if_none_match: str | Absent = Field(
        None, alias="If-None-Match", description="an ETag the client holds: 304 if still current"
    )
