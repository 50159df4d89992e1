"""What every read model shares: its document's `_id`, validation of what was read, and the
stored document back as a dict for code that still takes one."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ReadModel(BaseModel):
    # Fields outside the contract are dropped, so a reader cannot come to rely on them unseen.
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")
    id: str = Field(alias="_id")

    def document(self) -> dict[str, Any]:
        """The contract's fields as the document names them; an absent field stays absent."""
        return self.model_dump(by_alias=True, exclude_none=True)
