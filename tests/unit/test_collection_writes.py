"""The reader of collection writes behind test_collection_owners (collection_writes.py), on a
small tree of its own: each way the code names a collection is followed, and a key it cannot
follow is reported instead of skipped."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.unit import collection_writes

SHARED = {
    "lib/shared_lib/__init__.py": "",
    "lib/shared_lib/box.py": """
        from pymongo.collection import Collection

        def flush(collection: Collection) -> None:
            collection.update_one({"_id": 1}, {"$set": {"sent": True}})

        def peek(collection: Collection) -> None:
            collection.find_one({"_id": 1})
    """,
    "lib/shared_lib/relay.py": """
        from shared_lib import box

        class Relay:
            def __init__(self, db, names):
                self.db, self.names = db, names

            def relay_pass(self):
                for name in self.names:
                    box.flush(self.db[name])
    """,
}
SERVICE = """
    from shared_lib import box
    from shared_lib.relay import Relay

    NAME = "things"
    KINDS = ("kind_a", "kind_b")
    OUTBOXES = ("things",)

    class Things:
        def __init__(self, db):
            self._things = db.owned

        def mark(self):
            self._things.update_one({"_id": 1}, {"$set": {"done": True}})

    def relay(db):
        box.flush(db[NAME])
        for name in ("loop_a", "loop_b"):
            box.flush(db[name])
        box.peek(db.only_read)
        Relay(db, OUTBOXES).relay_pass()

    def delete_record(db, collection: str, record_id):
        db[collection].delete_one({"_id": record_id})

    def purge(db, subject):
        collection, _, record_id = subject.partition("/")
        delete_record(db, collection, record_id)

    def purge_one(db):
        delete_record(db, "named", 1)
        delete_kind(db, "named_twice_removed")

    def delete_kind(db, kind: str):
        delete_record(db, kind, 1)
"""


def _scan(tmp_path: Path, dynamic: dict[tuple[str, str], str]) -> collection_writes.Scan:
    files = {**SHARED, "svc/svc_pkg/__init__.py": "", "svc/svc_pkg/records.py": SERVICE}
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    packages = [tmp_path / "lib" / "shared_lib", tmp_path / "svc" / "svc_pkg"]
    return collection_writes.scan(packages, dynamic)


DECLARED = {
    ("svc_pkg.records", "purge"): "KINDS",
    ("shared_lib.relay", "Relay.relay_pass"): "OUTBOXES",
}


def _written(scan: collection_writes.Scan) -> set[str]:
    roots = {name for name in scan.functions if name.startswith("svc_pkg.")}
    reached = collection_writes.reachable(scan.functions, roots)
    return {collection for name in reached for collection in scan.functions[name].writes}


def test_writes_through_a_repository_a_constant_a_loop_and_a_shared_helper_are_found(tmp_path):
    scan = _scan(tmp_path, DECLARED)

    assert scan.unresolved == []
    assert {"owned", "things", "loop_a", "loop_b", "named", "named_twice_removed"} <= _written(scan)
    assert "only_read" not in _written(scan)  # passed to a helper that only reads it


def test_a_computed_key_is_reported_unless_declared_with_the_constant_that_bounds_it(tmp_path):
    undeclared = _scan(tmp_path, {})
    declared = _scan(
        tmp_path,
        {
            ("svc_pkg.records", "purge"): "KINDS",
            ("shared_lib.relay", "Relay.relay_pass"): "OUTBOXES",
        },
    )

    assert any(
        "records.py" in where and "passed to svc_pkg.records.delete_record" in where
        for where in undeclared.unresolved
    )
    assert any("relay.py" in where and "self.db[name]" in where for where in undeclared.unresolved)
    assert declared.unresolved == []
    # KINDS is the purging module's own; OUTBOXES is each calling service's, named for the test
    # to look up in that service.
    assert {"kind_a", "kind_b", "<OUTBOXES>"} <= _written(declared)
