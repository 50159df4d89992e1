"""The code as collection_writes.py reads it: modules with their imports and string constants,
functions with what they write and pass on, and what a collection expression can stand for."""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pymongo.database import Database

WRITES = frozenset(
    {
        "insert_one",
        "insert_many",
        "update_one",
        "update_many",
        "replace_one",
        "delete_one",
        "delete_many",
        "find_one_and_update",
        "find_one_and_delete",
        "find_one_and_replace",
        "bulk_write",
    }
)
# `db.command(...)` and the like are the database's own, not collections.
DATABASE_ATTRIBUTES = frozenset(name for name in dir(Database) if not name.startswith("_"))


@dataclass(frozen=True)
class Param:
    """A collection passed in by the caller, as the function's parameter `name`."""

    name: str


@dataclass(frozen=True)
class Key:
    """A collection the caller names, by a string given as the function's parameter `name`."""

    name: str


Target = frozenset[str] | Param | Key
KeyArgument = frozenset[str] | Key | None  # None: a string argument that cannot be resolved
Row = tuple[str | None, ...]  # one item of a constant: its strings by position


@dataclass
class Function:
    name: str  # module.function or module.Class.method
    module: Module
    node: ast.AST
    params: list[str] = field(default_factory=list)
    cls: str | None = None
    writes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # coll → where
    writes_params: set[str] = field(default_factory=set)
    calls: list[tuple[str, ast.Call, dict[str, Target]]] = field(default_factory=list)
    key_params: set[str] = field(default_factory=set)  # used as `db[param]`
    writes_keys: set[str] = field(default_factory=set)
    key_calls: list[tuple[str, ast.Call, dict[str, KeyArgument]]] = field(default_factory=list)
    refers_to: set[str] = field(default_factory=set)
    touches: set[str] = field(default_factory=set)  # collections it names itself, read or write
    nodes: list[ast.AST] = field(default_factory=list)  # the body's, walked once

    def __post_init__(self) -> None:
        self.nodes = list(ast.walk(self.node))


@dataclass
class Module:
    name: str
    path: str  # as shown in messages: from the folder above the service's folder
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # local name → qualified name
    strings: dict[str, list[Row]] = field(default_factory=dict)  # constant → its rows
    self_collections: dict[str, dict[str, Target]] = field(default_factory=dict)  # class → attrs


@dataclass
class Scan:
    functions: dict[str, Function]
    unresolved: list[str]
    dynamic_used: set[tuple[str, str]]
    modules: list[Module]


def modules(package_dirs: list[Path]) -> list[Module]:
    found = []
    for package in package_dirs:
        for path in sorted(package.rglob("*.py")):
            parts = path.relative_to(package.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            shown = str(path.relative_to(package.parent.parent))
            found.append(Module(name, shown, ast.parse(path.read_text(), shown)))
    return found


def index_module(module: Module) -> None:
    is_package = module.path.endswith("__init__.py")
    package = module.name if is_package else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.partition(".")[0]
                module.imports[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                module.imports[alias.asname or alias.name] = f"{base}.{alias.name}"
    for statement in module.tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            rows = literal_rows(statement.value)
            for target in targets:
                if isinstance(target, ast.Name) and rows is not None:
                    module.strings[target.id] = rows


def literal_rows(node: ast.expr) -> list[Row] | None:
    """A string constant as one row; a tuple/list/set of strings, one row each; a tuple of
    tuples, one row each (an item that is no string, such as a compiled pattern, is None);
    a dict literal, its keys."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value,)]
    if isinstance(node, ast.Dict):
        keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
        return [(k,) for k in keys if isinstance(k, str)]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        rows = []
        for item in node.elts:
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                rows.append((item.value,))
            elif isinstance(item, ast.Tuple):
                rows.append(tuple(_string(e) for e in item.elts))
            else:
                return None
        return rows
    return None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@dataclass
class Context:
    modules: dict[str, Module]
    functions: dict[str, Function]
    methods: dict[str, list[str]]  # class → its methods
    dynamic: dict[tuple[str, str], str]
    unresolved: list[str] = field(default_factory=list)
    dynamic_used: set[tuple[str, str]] = field(default_factory=set)


def declared(context: Context, function: Function) -> set[str]:
    """A computed name, in a function the test declares with the constant it comes from: a
    constant of the function's module, or else of each service that reaches the function (say,
    the collections it relays), written `<CONSTANT>` for the caller to expand."""
    module = function.module
    short = function.name.removeprefix(f"{module.name}.")
    constant = context.dynamic.get((module.name, short))
    if constant is None:
        return set()
    context.dynamic_used.add((module.name, short))
    if constant not in module.strings:
        return {f"<{constant}>"}
    return {s for row in module.strings[constant] for s in row if s}
