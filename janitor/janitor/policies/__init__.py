"""Retention policies. Each one plans (`plan`) what it would purge at a given time, without
changing anything, and purges (`purge`) one planned item; `--dry-run` prints the plan, a real
run purges exactly what it lists. A purge deletes objects first and the document that points at
them last, so a janitor killed half-way leaves work the next run finds and finishes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Planned:
    policy: str
    subject: str  # what is purged, e.g. an object key or an upload id
    objects: list[tuple[str, str, int]] = field(default_factory=list)  # bucket, key, size

    @property
    def bytes(self) -> int:
        return sum(size for _, _, size in self.objects)
