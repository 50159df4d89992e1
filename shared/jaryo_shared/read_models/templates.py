"""`templates` as the deck service sees it: where a person's own .pptx template is kept."""

from __future__ import annotations

from pymongo.database import Database

from jaryo_shared.database import by_id
from jaryo_shared.read_models.base import ReadModel


class Template(ReadModel):
    user_id: str
    file_path: str


def of_user(db: Database, user_id: str, template_id: str) -> Template | None:
    found = by_id(db.templates, template_id, user_id=user_id)
    return None if found is None else Template.model_validate(found)
