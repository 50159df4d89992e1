"""The failure codes are a public contract: each one documented for consumers, none without a
description, all in the one format programs match on."""

from __future__ import annotations

import re
from pathlib import Path

from jaryo_shared.failures import DESCRIPTIONS, FailureCode

ROOT = Path(__file__).resolve().parents[2]


def test_every_failure_code_is_described_and_listed_in_the_event_docs() -> None:
    listed = re.findall(r"^\| `([a-z-]+)` \| ", (ROOT / "docs" / "events.md").read_text(), re.M)
    assert set(DESCRIPTIONS) == set(FailureCode)
    assert [code.value for code in FailureCode] == [c for c in listed if c in set(FailureCode)]
    assert set(FailureCode) <= set(listed)


def test_codes_are_lowercase_words_joined_by_hyphens() -> None:
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code.value) for code in FailureCode)
