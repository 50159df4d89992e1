"""What /v1/templates reads and answers."""

from __future__ import annotations

from pydantic import BaseModel, Field

from gateway.schemas import Absent


class Template(BaseModel):
    template_id: str
    name: str
    description: str
    layouts: list[str]
    preview_url: str | None = Field(description="null for a private template")
    private: bool


class TemplateList(BaseModel):
    items: list[Template] = Field(description="built-in templates, then the caller's own")


# routes.py reads this form as it streams in (spooling the file), so it describes the form
# rather than validates it.
class TemplateForm(BaseModel):
    """One .pptx in `template`, with an optional name and description."""

    template: bytes = Field(description="the .pptx")
    name: str | Absent = None
    description: str | Absent = None
