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
    said = finished.stderr.decode(errors="replace").strip()
    if finished.returncode < 0:
        # Killed by a signal (the kernel, at its memory limit): the file made it so.
        log.warning("template check killed by signal %s: %s", -finished.returncode, said[-2000:])
        return {"ok": False, "reason": "the presentation needs more memory than a template may"}
    # A traceback: a file our check does not know how to judge, or a bug in it. The file is
    # refused either way, and the traceback logged for whoever looks into it.
    log.error("template check failed (exit %s): %s", finished.returncode, said[-4000:])
    last = said.splitlines()[-1] if said else "no output"
    return {"ok": False, "reason": f"the presentation could not be checked: {last[:300]}"}
