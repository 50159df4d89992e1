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
from pathlib import Path

from tests.unit.collection_analyser import Analyser, is_self
from tests.unit.collection_code import (
    Context,
    Function,
    Key,
    KeyArgument,
    Module,
    Param,
    Scan,
    Target,
    declared,
    index_module,
    modules,
)


def scan(package_dirs: list[Path], dynamic: dict[tuple[str, str], str]) -> Scan:
    """Every function of these packages with what it writes. `dynamic` names, for a function
    (module, function) whose `db[...]` key is computed, the module constant it is taken from."""
    found = modules(package_dirs)
    for module in found:
        index_module(module)
    functions = {f.name: f for module in found for f in _functions(module)}
    methods: dict[str, list[str]] = defaultdict(list)
    for function in functions.values():
        if function.cls is not None:
            methods[f"{function.module.name}.{function.cls}"].append(function.name)
    context = Context({m.name: m for m in found}, functions, methods, dynamic)
    for module in found:
        for cls in _classes(module):
            module.self_collections[cls.name] = _self_collections(module, cls, context)
    for function in functions.values():
        Analyser(function, context).run()
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


def _self_collections(module: Module, cls: ast.ClassDef, context: Context) -> dict[str, Target]:
    """`self.<attr> = <collection>` anywhere in the class (e.g. a repository's __init__)."""
    bound: dict[str, Target] = {}
    for item in cls.body:
        if not isinstance(item, ast.FunctionDef):
            continue
        analyser = Analyser(context.functions[f"{module.name}.{cls.name}.{item.name}"], context)
        for node in ast.walk(item):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Attribute) and is_self(target.value):
                    collection = analyser.collection(node.value)
                    if collection is not None:
                        bound[target.attr] = collection
    return bound


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


def _propagate_keys(context: Context) -> None:
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
    context: Context,
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
    names = argument or frozenset(declared(context, caller))
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
