"""The work behind /v1/templates: a person's own templates listed, added (spooled, quota-checked,
checked in a child process, stored) and deleted, with their collaborators passed in."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from pymongo.database import Database

from gateway.deck_templates import quota
from gateway.deck_templates.checks import CheckedTemplate, InvalidTemplate, Limits, check_template
from gateway.problems import TooLarge, UnacceptableTemplate
from gateway.settings import GatewaySettings
from jaryo_shared.clock import Clock
from jaryo_shared.database import by_id
from jaryo_shared.keys import template_key
from jaryo_shared.ports import ObjectStorage
from jaryo_shared.templates import LAYOUTS

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CHUNK = 256 * 1024


@dataclass(frozen=True)
class NewTemplate:
    """A template as the request sent it: its file, and the name and description offered."""

    stream: IO[bytes]
    filename: str | None
    name: str | None
    description: str | None


def own_templates(db: Database, user_id: str) -> list[dict[str, Any]]:
    """The person's own templates, oldest first."""
    return list(db.templates.find({"user_id": user_id}).sort("created_at", 1))


def add(
    db: Database,
    store: ObjectStorage,
    clock: Clock,
    settings: GatewaySettings,
    user_id: str,
    new: NewTemplate,
) -> dict[str, Any]:
    """The new template's document, once its file passed the quota and the checks and is
    stored; one add per person at a time, so two cannot both pass the quota."""
    with tempfile.NamedTemporaryFile(prefix="jaryo-template-", suffix=".pptx") as spooled:
        size = _spool(new.stream, spooled, settings.max_template_bytes)
        with quota.one_add_at_a_time(db, user_id, clock):
            quota.check_quota(
                db,
                user_id,
                size,
                settings.max_templates_per_user,
                settings.max_template_bytes_per_user,
            )
            checked = _checked(Path(spooled.name), settings)
            document = _document(user_id, new, size, checked, clock.now())
            with open(spooled.name, "rb") as data:
                _keep(db, store, settings.bucket_decks, document, data)
    return document


def delete(
    db: Database, store: ObjectStorage, settings: GatewaySettings, user_id: str, template_id: str
) -> bool:
    """Delete the person's template and its file; False if they have none by that id."""
    template = by_id(db.templates, template_id, user_id=user_id)
    if template is None:
        return False
    db.templates.delete_one({"_id": template_id, "user_id": user_id})
    store.delete(settings.bucket_decks, template["file_path"])
    return True


def _spool(stream: IO[bytes], into: IO[bytes], limit: int) -> int:
    """Copy the upload to a file, never holding it whole; 413 past the limit."""
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"a template may be at most {limit} bytes")
        into.write(chunk)
    into.flush()
    return size


def _checked(path: Path, settings: GatewaySettings) -> CheckedTemplate:
    try:
        return check_template(path, _limits(settings))
    except InvalidTemplate as exc:
        raise UnacceptableTemplate(str(exc), pointer="/template") from None


def _limits(settings: GatewaySettings) -> Limits:
    return Limits(
        max_parts=settings.max_template_parts,
        max_part_bytes=settings.max_template_part_bytes,
        max_xml_part_bytes=settings.max_template_xml_part_bytes,
        max_xml_bytes=settings.max_template_xml_bytes,
        max_unpacked_bytes=settings.max_template_unpacked_bytes,
        memory_bytes=settings.template_check_memory_bytes,
        seconds=settings.template_check_seconds,
    )


def _document(
    user_id: str, new: NewTemplate, size: int, checked: CheckedTemplate, now: datetime
) -> dict[str, Any]:
    name = (new.name or new.filename or "My template").strip()[:80]
    template_id = uuid.uuid4().hex
    return {
        "_id": template_id,
        "user_id": user_id,
        "name": name.removesuffix(".pptx") or "My template",
        "description": (new.description or "").strip()[:300],
        "layouts": [api for api, pptx_name in LAYOUTS.items() if pptx_name in checked.layouts],
        "file_path": template_key(user_id, template_id),
        "size": size,
        "created_at": now,
    }


def _keep(
    db: Database, store: ObjectStorage, bucket: str, document: dict[str, Any], data: BinaryIO
) -> None:
    """The file, then its document; nothing half-written if the document fails."""
    key = document["file_path"]
    store.put_stream(bucket, key, data, length=document["size"], content_type=PPTX)
    try:
        db.templates.insert_one(document)
    except Exception:
        store.delete(bucket, key)
        raise
