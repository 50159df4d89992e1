"""The gateway's one problem table (gateway/gateway/problems.py): every problem class is there,
each has a code of its own, and docs/api.md lists each with its status, type and code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from gateway import problems

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = ROOT / "gateway" / "gateway"


def _table() -> list[type[problems.Problem]]:
    return [
        value
        for value in vars(problems).values()
        if isinstance(value, type)
        and issubclass(value, problems.Problem)
        and value is not problems.Problem
    ]


def _problem_classes(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).endswith("Problem") for base in node.bases)
    }


def test_no_gateway_module_defines_a_problem_outside_the_table() -> None:
    elsewhere = {
        str(path.relative_to(GATEWAY)): found
        for path in GATEWAY.rglob("*.py")
        if path.name != "problems.py" and (found := _problem_classes(path))
    }
    assert elsewhere == {}


def test_each_problem_has_a_code_of_its_own() -> None:
    codes = [cls.code or cls.slug for cls in _table()]
    assert len(_table()) >= 20
    assert sorted(codes) == sorted(set(codes))


def test_the_api_docs_list_every_problem_with_its_status_type_and_code() -> None:
    rows = set(
        re.findall(
            r"^\| (\d{3}) \| `([a-z-]+)` \| `([a-z-]+)` \|",
            (ROOT / "docs" / "api.md").read_text(),
            re.M,
        )
    )
    missing = [
        cls.__name__
        for cls in _table()
        if (str(cls.status), cls.slug, cls.code or cls.slug) not in rows
    ]
    assert missing == []
