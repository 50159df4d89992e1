"""How collection_writes.py reads one function: which names and attributes hold a collection or
a collection's name, what it writes, what it passes on to other functions, what it refers to."""

from __future__ import annotations

import ast

from tests.unit.collection_code import (
    DATABASE_ATTRIBUTES,
    WRITES,
    Context,
    Function,
    Key,
    KeyArgument,
    Param,
    Row,
    Target,
    declared,
    literal_rows,
)


def is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


class Analyser:
    """What one function writes, passes on and refers to."""

    def __init__(self, function: Function, context: Context) -> None:
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
                else:
                    self.function.touches.update(collection)
            elif isinstance(node, ast.Attribute) and self._is_db(node.value):
                self.function.touches.update(self.collection(node) or ())
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
        if isinstance(node, ast.Attribute) and is_self(node.value) and self.function.cls:
            return self.module.self_collections.get(self.function.cls, {}).get(node.attr)
        return None

    def _is_key_param(self, node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Name)
            and node.id in self.function.params
            and node.id not in self.strings
        )

    def _dynamic(self) -> set[str]:
        return declared(self.context, self.function)

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
            return literal_rows(node)
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
            if is_self(node.value) and self.function.cls:
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
