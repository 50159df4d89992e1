"""Checking an uploaded PowerPoint template before it is accepted: a real presentation that
python-pptx opens, within the size limits, without macros, ActiveX, OLE objects or external
links (jaryo_shared.templates.package).

The file is unpacked and opened in a child process with an address-space limit and a time limit
(package_check.py), never in the gateway: a 146 KB zip can unpack to 35 MB of XML, and
python-pptx would hold all of it, parsed, in the worker that served the request."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class InvalidTemplate(ValueError):
    """Why the file is not accepted, for the person."""


@dataclass(frozen=True)
class Limits:
    max_parts: int
    max_part_bytes: int
    max_xml_part_bytes: int
    max_xml_bytes: int
    max_unpacked_bytes: int
    memory_bytes: int
    seconds: float


@dataclass(frozen=True)
class CheckedTemplate:
    layouts: list[str]
    slide_width: int
    slide_height: int


def check_template(path: Path, limits: Limits) -> CheckedTemplate:
    with path.open("rb") as f:
        if f.read(4) != b"PK\x03\x04":
            raise InvalidTemplate("the file is not a .pptx (not a zip package)")
    arguments = {
        "max_parts": limits.max_parts,
        "max_part_bytes": limits.max_part_bytes,
        "max_xml_part_bytes": limits.max_xml_part_bytes,
        "max_xml_bytes": limits.max_xml_bytes,
        "max_unpacked_bytes": limits.max_unpacked_bytes,
        "memory_bytes": limits.memory_bytes,
    }
    try:
        finished = subprocess.run(  # noqa: S603 - our own module, a path we created
            [
                sys.executable,
                "-m",
                "gateway.deck_templates.package_check",
                str(path),
                json.dumps(arguments),
            ],
            capture_output=True,
            timeout=limits.seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InvalidTemplate(
            f"the presentation takes longer than {limits.seconds:g} s to open; simplify it"
        ) from None
    verdict = _verdict(finished)
    if not verdict["ok"]:
        raise InvalidTemplate(verdict["reason"])
    return CheckedTemplate(verdict["layouts"], verdict["slide_width"], verdict["slide_height"])


def _verdict(finished: subprocess.CompletedProcess[bytes]) -> dict:
    lines = finished.stdout.decode(errors="replace").strip().splitlines()
    if finished.returncode == 0 and lines:
        try:
            verdict: dict = json.loads(lines[-1])
            return verdict
        except ValueError:
            pass
    # Killed at its memory limit (or worse): the file is what made it fail, so it is refused,
    # and what the child said goes to the log for whoever looks into it.
    log.warning(
        "template check exited %s: %s",
        finished.returncode,
        finished.stderr.decode(errors="replace")[-2000:],
    )
    return {"ok": False, "reason": "the presentation needs more memory to open than a template may"}
