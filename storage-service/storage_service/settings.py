"""The storage service's settings."""

from __future__ import annotations

from pydantic import Field

from jaryo_shared.settings import Settings


class StorageSettings(Settings):
    service_name: str = "storage-service"
    max_image_pixels: int = Field(default=64_000_000, gt=0, description="decompression-bomb cap")
    thumbnail_size: int = Field(default=512, gt=0)
