"""Which collections each service's code writes, found by reading the code (`ast`), for
test_collection_owners.py.

A write is a pymongo write method called on a collection. A collection is `<db>.<name>` or
`<db>[<string>]`, where `<db>` is a name or attribute called `db` (or `*_db`) or a parameter
annotated `Database`; a string is a literal, a module constant (imported ones too), or a loop
variable over a constant. A collection may be bound to a variable, to `self.<attr>`, or passed
to a parameter annotated `Collection`: a function that writes through such a parameter writes
whatever its callers pass. Shared code counts for each service whose code reaches it by name.
Whatever cannot be resolved is reported, so nothing escapes the check; the test declares the
few computed keys with the constant that bounds them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
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


def _index_module(module: Module) -> None:
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
            rows = _literal_rows(statement.value)
            for target in targets:
                if isinstance(target, ast.Name) and rows is not None:
                    module.strings[target.id] = rows


def _literal_rows(node: ast.expr) -> list[Row] | None:
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


def scan(package_dirs: list[Path], dynamic: dict[tuple[str, str], str]) -> Scan:
    """Every function of these packages with what it writes. `dynamic` names, for a function
    (module, function) whose `db[...]` key is computed, the module constant it is taken from."""
    found = modules(package_dirs)
    for module in found:
        _index_module(module)
    functions = {f.name: f for module in found for f in _functions(module)}
    methods: dict[str, list[str]] = defaultdict(list)
    for function in functions.values():
        if function.cls is not None:
            methods[f"{function.module.name}.{function.cls}"].append(function.name)
    context = _Context({m.name: m for m in found}, functions, methods, dynamic)
    for module in found:
        for cls in _classes(module):
            module.self_collections[cls.name] = _self_collections(module, cls, context)
    for function in functions.values():
        _Analyser(function, context).run()
    _propagate(functions, context.unresolved)
    _propagate_keys(context)
    return Scan(functions, context.unresolved, context.dynamic_used, found)


def _classes(module: Module) -> Iterator[ast.ClassDef]:
    return (node for node in module.tree.body if isinstance(node, ast.ClassDef))


def _functions(module: Module) -> Iterator[Function]:
    top = [s for s in module.tree.body if not isinstance(s, ast.FunctionDef | ast.ClassDef)]
    yield Function(f"{module.name}.<module>", module, ast.Module(body=top, type_ignores=[]))
    for node in module.tree.body:
        if isinstance(node, ast.FunctionDef):
            yield _function(f"{module.name}.{node.name}", module, node)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    name = f"{module.name}.{node.name}.{item.name}"
                    yield _function(name, module, item, node.name)


def _function(name: str, module: Module, node: ast.FunctionDef, cls: str | None = None) -> Function:
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    params = [a.arg for a in args if a.arg not in ("self", "cls")]
    return Function(name, module, node, params, cls)


def _self_collections(module: Module, cls: ast.ClassDef, context: _Context) -> dict[str, Target]:
    """`self.<attr> = <collection>` anywhere in the class (e.g. a repository's __init__)."""
    bound: dict[str, Target] = {}
    for item in cls.body:
        if not isinstance(item, ast.FunctionDef):
            continue
        analyser = _Analyser(context.functions[f"{module.name}.{cls.name}.{item.name}"], context)
        for node in ast.walk(item):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Attribute) and _is_self(target.value):
                    collection = analyser.collection(node.value)
                    if collection is not None:
                        bound[target.attr] = collection
    return bound


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _propagate(functions: dict[str, Function], unresolved: list[str]) -> None:
    """Writes through a `Collection` parameter become the caller's writes, until nothing new."""
    changed = True
    while changed:
        changed = False
        for caller in functions.values():
            for callee_name, call, arguments in caller.calls:
                callee = functions.get(callee_name)
                for param, target in arguments.items():
                    if callee is None or param not in callee.params:
                        where = f"{caller.module.path}:{call.lineno}"
                        message = f"{where}: a collection passed to {callee_name}({param}=)"
                        if message not in unresolved:
                            unresolved.append(message)
                        continue
                    if param not in callee.writes_params:
                        continue
                    if isinstance(target, Param):
                        if target.name not in caller.writes_params:
                            caller.writes_params.add(target.name)
                            changed = True
                    else:
                        for collection in target:
                            where = f"{caller.module.path}:{call.lineno} via {callee_name}"
                            if where not in caller.writes[collection]:
                                caller.writes[collection].add(where)
                                changed = True


def _propagate_keys(context: _Context) -> None:
    """Writes through a collection-name parameter become the caller's writes, until nothing new;
    a name the caller computes must be declared (dynamic) or it is reported."""
    changed = True
    while changed:
        changed = False
        for caller in context.functions.values():
            for callee_name, call, arguments in caller.key_calls:
                callee = context.functions[callee_name]
                for param, argument in arguments.items():
                    if param in callee.key_params:
                        writes = param in callee.writes_keys
                        changed |= _pass_key(context, caller, call, argument, writes, callee_name)


def _pass_key(
    context: _Context,
    caller: Function,
    call: ast.Call,
    argument: KeyArgument,
    writes: bool,
    callee_name: str,
) -> bool:
    """Records what the caller writes by naming a collection to the callee; True if new."""
    if isinstance(argument, Key):
        new = argument.name not in caller.key_params or (
            writes and argument.name not in caller.writes_keys
        )
        caller.key_params.add(argument.name)
        if writes:
            caller.writes_keys.add(argument.name)
        return new
    names = argument or frozenset(_declared(context, caller))
    where = f"{caller.module.path}:{call.lineno}"
    if not names:
        message = f"{where}: a collection whose name is not known, passed to {callee_name}"
        if message not in context.unresolved:
            context.unresolved.append(message)
        return False
    new = False
    for collection in names if writes else ():
        new |= f"{where} via {callee_name}" not in caller.writes[collection]
        caller.writes[collection].add(f"{where} via {callee_name}")
    return new


def reachable(functions: dict[str, Function], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = [name for name in roots if name in functions]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(functions[name].refers_to - seen)
    return seen


@dataclass
class _Context:
    modules: dict[str, Module]
    functions: dict[str, Function]
    methods: dict[str, list[str]]  # class → its methods
    dynamic: dict[tuple[str, str], str]
    unresolved: list[str] = field(default_factory=list)
    dynamic_used: set[tuple[str, str]] = field(default_factory=set)


class _Analyser:
    """What one function writes, passes on and refers to."""

    def __init__(self, function: Function, context: _Context) -> None:
        self.function, self.module, self.context = function, function.module, context
        self.strings: dict[str, set[str]] = {}  # local name → the strings it may hold
        self.bound: dict[str, Target] = {}  # local name → the collection it holds
        self.databases: set[str] = set()
        self._bind_parameters()
        self._bind_loops()
        for _ in range(2):  # a binding may use one made further down the walk
            self._bind_assignments()

    def run(self) -> None:
        for node in self.function.nodes:
            if isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Subscript) and self._is_db(node.value):
                collection = self.collection(node)
                if isinstance(collection, Key):
                    self.function.key_params.add(collection.name)
                elif not collection:
                    self._unresolved(node, "a collection whose name is not known")
            if isinstance(node, ast.Name | ast.Attribute):
                self._refer(node)

    def _bind_parameters(self) -> None:
        node = self.function.node
        if not isinstance(node, ast.FunctionDef):
            return
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            annotation = ast.unparse(arg.annotation) if arg.annotation else ""
            if annotation.endswith("Collection"):
                self.bound[arg.arg] = Param(arg.arg)
            elif annotation.endswith("Database"):
                self.databases.add(arg.arg)

    def _bind_loops(self) -> None:
        for node in self.function.nodes:
            if isinstance(node, ast.For | ast.comprehension):
                rows = self.rows(node.iter)
                if rows is None:
                    continue
                if isinstance(node.target, ast.Name) and all(len(r) == 1 for r in rows):
                    self.strings[node.target.id] = {r[0] for r in rows if r[0]}
                elif isinstance(node.target, ast.Tuple):
                    for i, element in enumerate(node.target.elts):
                        if isinstance(element, ast.Name):
                            found = {r[i] for r in rows if i < len(r) and r[i]}
                            self.strings[element.id] = {s for s in found if s}

    def _bind_assignments(self) -> None:
        for node in self.function.nodes:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                continue
            target = node.targets[0]
            if isinstance(target, ast.Name):
                collection = self.collection(node.value)
                if collection is not None:
                    self.bound[target.id] = collection
                strings = self.strings_of(node.value)
                if strings:
                    self.strings[target.id] = strings

    def _is_db(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id == "db" or node.id.endswith("_db") or node.id in self.databases
        return isinstance(node, ast.Attribute) and (node.attr == "db" or node.attr.endswith("_db"))

    def collection(self, node: ast.expr) -> Target | None:
        """The collection(s) this expression is; an empty set if it is one whose name is not
        known; None if it is no collection."""
        if isinstance(node, ast.Attribute) and self._is_db(node.value):
            return None if node.attr in DATABASE_ATTRIBUTES else frozenset({node.attr})
        if isinstance(node, ast.Subscript) and self._is_db(node.value):
            if self._is_key_param(node.slice):
                return Key(node.slice.id)  # type: ignore[attr-defined]
            return frozenset(self.strings_of(node.slice) or self._dynamic())
        if isinstance(node, ast.Name):
            return self.bound.get(node.id)
        if isinstance(node, ast.Attribute) and _is_self(node.value) and self.function.cls:
            return self.module.self_collections.get(self.function.cls, {}).get(node.attr)
        return None

    def _is_key_param(self, node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Name)
            and node.id in self.function.params
            and node.id not in self.strings
        )

    def _dynamic(self) -> set[str]:
        return _declared(self.context, self.function)

    def strings_of(self, node: ast.expr) -> set[str] | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.Name) and node.id in self.strings:
            return self.strings[node.id]
        rows = self.rows(node)
        if rows is not None and all(len(r) == 1 and r[0] for r in rows):
            return {str(r[0]) for r in rows} if len(rows) == 1 else None
        return None

    def rows(self, node: ast.expr) -> list[Row] | None:
        """The rows of a literal, or of a module constant this expression names (`X.items()`:
        X's keys)."""
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return _literal_rows(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("items", "keys") and not node.args:
                return self.rows(node.func.value)
            return None
        if isinstance(node, ast.Name) and node.id in self.module.strings:
            return self.module.strings[node.id]
        qualified = self.resolve(node)
        if qualified is None:
            return None
        module_name, _, constant = qualified.rpartition(".")
        module = self.context.modules.get(module_name)
        return None if module is None else module.strings.get(constant)

    def resolve(self, node: ast.expr) -> str | None:
        """The qualified name this expression refers to, if it is an import or a definition."""
        if isinstance(node, ast.Name):
            local = f"{self.module.name}.{node.id}"
            if local in self.context.functions or local in self.context.methods:
                return local
            return self.module.imports.get(node.id)
        if isinstance(node, ast.Attribute):
            if _is_self(node.value) and self.function.cls:
                return f"{self.module.name}.{self.function.cls}.{node.attr}"
            base = self.resolve(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    def _refer(self, node: ast.Name | ast.Attribute) -> None:
        qualified = self.resolve(node)
        if qualified in self.context.functions:
            self.function.refers_to.add(qualified)
        elif qualified in self.context.methods:
            self.function.refers_to.update(self.context.methods[qualified])

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WRITES:
            receiver = self.collection(func.value)
            if receiver is None:
                self._unresolved(node, f"{func.attr} on something not known to be a collection")
            elif isinstance(receiver, Param):
                self.function.writes_params.add(receiver.name)
            elif isinstance(receiver, Key):
                self.function.writes_keys.add(receiver.name)
            else:
                for collection in receiver:
                    self.function.writes[collection].add(f"{self.module.path}:{node.lineno}")
        self._arguments(node)

    def _arguments(self, node: ast.Call) -> None:
        callee = self.resolve(node.func) or ast.unparse(node.func)
        if callee in self.context.methods:
            callee = f"{callee}.__init__"
        params = self.context.functions[callee].params if callee in self.context.functions else []
        passed: dict[str, Target] = {}
        for i, argument in enumerate(node.args):
            target = self.collection(argument)
            if target is not None:
                passed[params[i] if i < len(params) else f"#{i}"] = target
        for keyword in node.keywords:
            target = self.collection(keyword.value)
            if target is not None and keyword.arg:
                passed[keyword.arg] = target
        if passed:
            self.function.calls.append((callee, node, passed))
        if params:
            self._key_arguments(callee, node, params)

    def _key_arguments(self, callee: str, node: ast.Call, params: list[str]) -> None:
        """What each argument names, if the callee turns out to use it as a collection's name."""
        named = [(params[i], arg) for i, arg in enumerate(node.args) if i < len(params)]
        named += [(k.arg, k.value) for k in node.keywords if k.arg]
        passed: dict[str, KeyArgument] = {}
        for param, argument in named:
            strings = self.strings_of(argument)
            if strings:
                passed[param] = frozenset(strings)
            elif self._is_key_param(argument):
                passed[param] = Key(argument.id)  # type: ignore[attr-defined]
            else:
                passed[param] = None
        self.function.key_calls.append((callee, node, passed))

    def _unresolved(self, node: ast.AST, what: str) -> None:
        where = f"{self.module.path}:{getattr(node, 'lineno', '?')}"
        self.context.unresolved.append(f"{where}: {what}: {ast.unparse(node)[:80]}")


def _declared(context: _Context, function: Function) -> set[str]:
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
