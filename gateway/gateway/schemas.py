"""The shapes every part of the API shares: the problem body, the health answers, and the
paging and `?wait` query parameters. The OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from gateway import paging

# A field that may be left out of an answer but is never null: the view omits it rather than
# sending null, so the document must not offer null either.
Absent = SkipJsonSchema[None]


class FieldError(BaseModel):
    pointer: str
    detail: str


class Problem(BaseModel):
    """RFC 9457 problem details"""

    # A problem may carry more members than these (e.g. `checks` on /readyz, `upload_status`).
    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    code: str | Absent = Field(None, description="what went wrong, as a stable machine name")
    detail: str | Absent = None
    instance: str | Absent = None
    limit: str | Absent = Field(None, description="on a 429: the rate limit that was reached")
    pointer: str | Absent = Field(
        None,
        description="a JSON pointer to the field at fault (in the body, or `/name` for a query "
        "parameter or header)",
    )
    errors: list[FieldError] | Absent = Field(None, description="on a 422: every field at fault")
    correlation_id: str | Absent = Field(
        None, description="on a 500: what the gateway's log line carries"
    )


class Alive(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    checks: dict[str, str]


class PageQuery(BaseModel):
    """`?limit` and `?cursor` of a listing (gateway.paging reads them)."""

    limit: Annotated[int, Field(ge=1, le=paging.MAX_LIMIT)] | Absent = Field(
        None,
        description=f"items a page ({paging.DEFAULT_LIMIT} if not given)",
    )
    cursor: str | Absent = Field(None, description="`next_cursor` of the page before")


class WaitQuery(BaseModel):
    """`?wait` (gateway.waiting reads it)."""

    wait: Annotated[int, Field(ge=0, le=60)] | Absent = Field(
        None, description="wait up to this many seconds for it to finish"
    )
