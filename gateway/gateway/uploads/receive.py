"""Accepting an upload: check every file before anything is written, then stage the files,
write the Upload and Image documents (the Upload owing `upload.received` in its outbox), and
hand the publishing to the announcer, so the 202 does not wait for it. A refused request leaves
no document, object or event behind.

A PDF is staged once, whole; each of its pages is an image of the upload (`{stem}-p{n}.png`),
which the storage and OCR services render from it (docs/pdf.md)."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from gateway.bootstrap import Dependencies
from gateway.problems import (
    FileTooLarge,
    InvalidUpload,
    PdfRefused,
    StorageUnavailable,
    TooManyPages,
    UnsupportedImage,
)
from gateway.uploads import announcer, filenames, quota
from gateway.uploads.sniff import NotAnImage, Sniffed, TooManyPixels, sniff
from jaryo_shared import events, outbox, upload_listings
from jaryo_shared.keys import image_key, upload_prefix
from jaryo_shared.logs import current_correlation_id
from jaryo_shared.pdf import UnacceptablePdf

log = logging.getLogger(__name__)

SOURCE = "jaryo/gateway"
DEFAULT_IMAGE_TYPE = "mixed-printed"
IMAGE_TYPES = set(events.ImageType.__args__)  # type: ignore[attr-defined]
_NUMBERED_FIELD = re.compile(r"image(\d{1,3})")
_IMAGE_FIELD = re.compile(r"image\d+")


@dataclass(frozen=True)
class AcceptedFile:
    file: FileStorage
    size: int
    sniffed: Sniffed

    @property
    def pages(self) -> list[int | None]:
        """The pages that become images (from 1), or [None]: the file is one image."""
        if self.sniffed.pages is None:
            return [None]
        return list(range(1, self.sniffed.pages + 1))


def collect_files(
    files: MultiDict[str, FileStorage], form: MultiDict[str, str]
) -> list[FileStorage]:
    """`image0`, `image1`, ... in number order (the mobile app's form), then repeated `images`.
    An image field sent as plain text (a part without a filename, as curl's `-F image1=<f`
    sends) is refused: storing the other images would silently drop that one."""
    for field in form:
        if field == "images" or _IMAGE_FIELD.fullmatch(field):
            raise InvalidUpload(
                f"the field {field!r} is not a file; send each image as a file part "
                f"(with a filename, e.g. curl -F {field}=@page.jpg)",
                pointer=f"/{field}",
            )
    numbered: list[tuple[int, FileStorage]] = []
    listed: list[FileStorage] = []
    for field, storage in files.items(multi=True):
        match = _NUMBERED_FIELD.fullmatch(field)
        if match:
            numbered.append((int(match.group(1)), storage))
        elif field == "images":
            listed.append(storage)
        else:
            raise InvalidUpload(
                f"unexpected file field {field!r}; use image0, image1, ... or images"
            )
    return [storage for _, storage in sorted(numbered, key=lambda pair: pair[0])] + listed


def validate_image_type(value: str | None) -> str:
    image_type = value or DEFAULT_IMAGE_TYPE
    if image_type not in IMAGE_TYPES:
        raise InvalidUpload(
            f"image_type must be one of {', '.join(sorted(IMAGE_TYPES))}", pointer="/image_type"
        )
    return image_type


def check_files(deps: Dependencies, files: list[FileStorage]) -> list[AcceptedFile]:
    settings = deps.settings
    if not files:
        raise InvalidUpload("no images: send them as image0, image1, ... or images")
    if len(files) > settings.max_images_per_upload:
        raise InvalidUpload(
            f"{len(files)} images is more than the {settings.max_images_per_upload} allowed"
        )
    accepted = [_check_file(deps, file) for file in files]
    pages = sum(a.sniffed.pages or 0 for a in accepted)
    if pages > settings.max_pdf_pages_per_upload:
        raise TooManyPages(
            f"the PDFs have {pages} pages together; at most "
            f"{settings.max_pdf_pages_per_upload} are read in one upload",
            limit="pdf_pages_per_upload",
            allowed=settings.max_pdf_pages_per_upload,
            used=pages,
        )
    return accepted


def _check_file(deps: Dependencies, file: FileStorage) -> AcceptedFile:
    settings = deps.settings
    name = filenames.displayable(file.filename) or "(unnamed)"
    file.stream.seek(0, 2)
    size = file.stream.tell()
    file.stream.seek(0)
    if size == 0:
        raise InvalidUpload(f"{name} is empty", filename=name)
    if size > settings.max_image_bytes:
        raise FileTooLarge(
            f"{name} is {size} bytes; the limit is {settings.max_image_bytes}", filename=name
        )
    try:
        sniffed = sniff(
            file.stream,  # type: ignore[arg-type]
            settings.max_image_pixels,
            settings.max_pdf_pages_per_file,
        )
    except NotAnImage:
        raise UnsupportedImage(
            f"{name} is not a JPEG, PNG, WebP, TIFF, BMP, GIF or HEIC image, nor a PDF",
            filename=name,
        ) from None
    except TooManyPixels as exc:
        raise InvalidUpload(f"{name}: {exc}", filename=name) from None
    except UnacceptablePdf as exc:
        raise PdfRefused(f"{name}: {exc}", filename=name, reason=exc.kind) from None
    if sniffed.pages is not None and sniffed.pages > settings.max_pdf_pages_per_file:
        raise TooManyPages(
            f"{name} has {sniffed.pages} pages; at most {settings.max_pdf_pages_per_file} "
            "are read from one PDF",
            filename=name,
            limit="pdf_pages_per_file",
            allowed=settings.max_pdf_pages_per_file,
            used=sniffed.pages,
        )
    return AcceptedFile(file, size, sniffed)


def create_upload(
    deps: Dependencies,
    user_id: str,
    image_type: str,
    accepted: list[AcceptedFile],
    upload_id: str | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The new Upload document and its Image documents."""
    size = sum(a.size for a in accepted)
    quota.check(deps, user_id, size)  # before storing anything; checked again when recording
    now = deps.clock.now()
    upload_id = upload_id or uuid.uuid4().hex
    staging_keys = _staging_keys(user_id, upload_id, accepted)
    images = _image_documents(user_id, upload_id, image_type, accepted, staging_keys, now)
    _stage(deps, staging_keys, accepted)
    upload = _upload_document(user_id, upload_id, image_type, images, size, now)
    try:
        with quota.admitted(deps, user_id, upload_id, size):
            _record(deps, upload, images)
    except quota.REFUSALS:
        _remove_objects(deps, staging_keys)
        raise
    log.info("received upload %s: %d images (%s)", upload_id, len(images), image_type)
    announcer.later(deps, upload)
    return upload, images


def _staging_keys(user_id: str, upload_id: str, accepted: list[AcceptedFile]) -> list[str]:
    """Where each file is staged: an image as the name it is kept under (the pages' names come
    after, so an image keeps the name it would have alone), a PDF as `{stem}.pdf`."""
    stems = [filenames.safe_stem(a.file.filename) for a in accepted]
    names = filenames.unique_names(
        [
            (stem, "pdf" if a.sniffed.is_pdf else a.sniffed.stored_extension)
            for stem, a in zip(stems, accepted, strict=True)
        ]
    )
    return [image_key(user_id, upload_id, name) for name in names]


def _image_documents(
    user_id: str,
    upload_id: str,
    image_type: str,
    accepted: list[AcceptedFile],
    staging_keys: list[str],
    now: datetime,
) -> list[dict[str, Any]]:
    """One per image, and one per page of each PDF, in the order the files came."""
    sources = [
        (a, key, page) for a, key in zip(accepted, staging_keys, strict=True) for page in a.pages
    ]
    names = filenames.unique_names(
        [
            (
                filenames.safe_stem(a.file.filename) + (f"-p{page}" if page else ""),
                a.sniffed.stored_extension,
            )
            for a, _, page in sources
        ]
    )
    return [
        _image_document(user_id, upload_id, index, name, image_type, a, key, page, now)
        for index, (name, (a, key, page)) in enumerate(zip(names, sources, strict=True))
    ]


def _upload_document(
    user_id: str,
    upload_id: str,
    image_type: str,
    images: list[dict[str, Any]],
    size: int,
    now: datetime,
) -> dict[str, Any]:
    """The Upload, owing in its outbox its `upload.received` event, then one `image.received`
    per image (the unit of work of storage and OCR)."""
    received = _received_event(user_id, upload_id, image_type, images)
    owed = [received, *_image_events(received)]
    correlation_id = current_correlation_id()
    envelopes = [
        events.wrap(event, source=SOURCE, subject=upload_id, correlation_id=correlation_id)
        for event in owed
    ]
    return {
        "_id": upload_id,
        "user_id": user_id,
        "upload_path": upload_prefix(user_id, upload_id),
        "created_at": now,
        "status": "processing",
        "image_type": image_type,
        "image_count": len(images),
        "bytes": size,  # what counts against the person's storage quota
        "deleted_at": None,
        **outbox.pending(*envelopes, now=now),
    }


def _image_document(
    user_id: str,
    upload_id: str,
    index: int,
    name: str,
    image_type: str,
    accepted: AcceptedFile,
    staging_key: str,
    page: int | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "_id": uuid.uuid4().hex,
        "upload_id": upload_id,
        "user_id": user_id,
        "index": index,
        "image_name": name,
        "filename": filenames.displayable(accepted.file.filename),
        "image_path": image_key(user_id, upload_id, name),
        "staging_key": staging_key,  # a PDF's, for each of its pages
        **({"page": page} if page is not None else {}),
        "image_type": image_type,
        "format": accepted.sniffed.format,
        "size": accepted.size,
        "created_at": now,
        "storage": {"status": "queued"},
    }


def _stage(deps: Dependencies, staging_keys: list[str], accepted: list[AcceptedFile]) -> None:
    """Stream every file to the staging bucket; on any failure remove what was staged."""
    bucket = deps.settings.bucket_staging
    staged: list[str] = []
    try:
        for key, a in zip(staging_keys, accepted, strict=True):
            media = "application/pdf" if a.sniffed.is_pdf else f"image/{a.sniffed.format.lower()}"
            deps.store.put_stream(
                bucket,
                key,
                a.file.stream,  # type: ignore[arg-type]
                length=a.size,
                content_type=media,
            )
            staged.append(key)
    except Exception as exc:
        _remove_objects(deps, staged)
        log.exception("staging failed")
        raise StorageUnavailable("the images could not be stored; try again") from exc


def _record(deps: Dependencies, upload: dict[str, Any], images: list[dict[str, Any]]) -> None:
    try:
        upload_listings.add(deps.db, upload)
        deps.db.images.insert_many(images)
        deps.db.uploads.insert_one(upload)
    except Exception as exc:
        deps.db.images.delete_many({"upload_id": upload["_id"]})
        upload_listings.forget(deps.db, upload["user_id"], upload["_id"])
        _remove_objects(deps, sorted({image["staging_key"] for image in images}))
        log.exception("recording upload %s failed", upload["_id"])
        raise StorageUnavailable("the upload could not be recorded; try again") from exc


def _remove_objects(deps: Dependencies, keys: list[str]) -> None:
    for key in keys:
        try:
            deps.store.delete(deps.settings.bucket_staging, key)
        except Exception:
            log.warning("could not remove staged %s", key, exc_info=True)


def _received_event(
    user_id: str, upload_id: str, image_type: str, images: list[dict[str, Any]]
) -> events.UploadReceived:
    return events.UploadReceived(
        upload_id=upload_id,
        user_id=user_id,
        each_image_announced=True,  # _image_events
        image_type=image_type,  # type: ignore[arg-type]
        images=[
            events.ReceivedImage(
                image_id=image["_id"],
                image_name=image["image_name"],
                staging_key=image["staging_key"],
                size=image["size"],
                page=image.get("page"),
            )
            for image in images
        ],
    )


def _image_events(received: events.UploadReceived) -> list[events.ImageReceived]:
    image_ids = [image.image_id for image in received.images]
    return [
        events.ImageReceived(
            upload_id=received.upload_id,
            user_id=received.user_id,
            image_type=received.image_type,
            image=image,
            upload_image_ids=image_ids,
        )
        for image in received.images
    ]
