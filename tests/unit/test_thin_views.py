"""Gateway views stay thin: a routes module parses the request, calls a plain function and shapes
the answer. The queries live in service modules; a view may hand `deps.db` to one, but never
queries a collection itself nor calls the database helpers (which no import rule can see)."""

from __future__ import annotations

import ast
from pathlib import Path

GATEWAY = Path(__file__).resolve().parents[2] / "gateway" / "gateway"
ROUTES = sorted(GATEWAY.glob("*/routes.py"))


def database_uses(source: str) -> list[str]:
    """Each place the source queries a collection (`<anything>.db.<collection>`,
    `<anything>.db[...]`) or uses jaryo_shared.database, as "line: what"."""
    tree = ast.parse(source)
    helpers = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "jaryo_shared.database"
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Subscript):
            inner = node.value
            if isinstance(inner, ast.Attribute) and inner.attr == "db":
                found.append(f"{node.lineno}: queries {ast.unparse(node)}")
        if isinstance(node, ast.Name) and node.id in helpers:
            found.append(f"{node.lineno}: calls jaryo_shared.database.{node.id}")
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "database":
            found.append(f"{node.lineno}: calls database.{node.attr}")
    return found


def test_every_gateway_view_leaves_its_queries_to_a_service_module() -> None:
    assert len(ROUTES) >= 4, ROUTES  # auth, uploads, decks, templates
    offenders = {
        str(path.relative_to(GATEWAY)): uses
        for path in ROUTES
        if (uses := database_uses(path.read_text()))
    }
    assert offenders == {}


def test_a_view_that_queries_the_database_is_noticed() -> None:
    view = (
        "from jaryo_shared.database import by_id\n"
        "def show(deps):\n"
        "    one = by_id(deps.db.templates, 'x')\n"
        "    return current_deps().db['users'].find_one({}), one\n"
    )
    assert database_uses(view) == [
        "3: calls jaryo_shared.database.by_id",
        "3: queries deps.db.templates",
        "4: queries current_deps().db['users']",
    ]


def test_a_view_may_hand_the_database_to_a_service_function() -> None:
    view = "def show(deps, user_id):\n    return service.own(deps.db, user_id)\n"
    assert database_uses(view) == []
