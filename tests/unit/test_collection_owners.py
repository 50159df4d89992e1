"""Each collection is written only by the services docs/architecture.md's table names for it
(its owner and the writers allowed by design), and the table names no writer the code does not
have; a service reads others' collections through the shared read models, unless the table
says it reads them raw. The docs and the code cannot drift. The code is read, not run
(collection_writes.py)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from tests.unit import collection_writes

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "architecture.md"
SERVICES = {
    "gateway": "gateway/gateway",
    "storage": "storage-service/storage_service",
    "ocr": "ocr-service/ocr_service",
    "deck": "deck-service/deck_service",
    "janitor": "janitor/janitor",
    "webhook": "webhook-service/webhook_service",
    "ops": "ops/jaryo_ops",
}
SHARED = "shared/jaryo_shared"
# Keys computed at run time, each bounded by a constant: the janitor's purge of an expired auth
# record (the planned subject names the collection) and its orphan check (which owner document
# an object's key names; a read). A constant that is not in the function's module is looked up
# in each service that reaches the function (e.g. the collections a shared relay is given).
# A listing partition's name is computed from its owner: the family counts as one collection.
DYNAMIC = {
    ("janitor.policies.expired_auth_records", "purge"): "COLLECTIONS",
    ("janitor.policies.orphans", "plan"): "OWNERS",
    # The purge of a deleted account sweeps every collection there is; the table names the
    # janitor where the collections known to hold a person's documents are.
    ("janitor.policies.deleted_accounts", "_sweep"): "HOLDING_USERS",
    ("jaryo_shared.outbox_relay", "OutboxRelay.relay_pass"): "OUTBOX_COLLECTIONS",
    # A person's listing partition (`upload_listings_000` ...), one row of the table.
    **{
        ("jaryo_shared.upload_listings", function): "FAMILY"
        for function in (
            "add",
            "mark_settled",
            "reopen",
            "forget",
            "of_user",
            "listed_ids",
            "backfill",
        )
    },
    # A person's deck listing partition (`deck_listings_000` ...), one row of the table.
    **{
        ("jaryo_shared.deck_listings", function): "FAMILY"
        for function in (
            "add",
            "add_revision",
            "mark_settled",
            "forget",
            "of_user",
            "backfill",
            "_insert_batched",
        )
    },
}


@cache
def rows() -> dict[str, list[str]]:
    """collection → the cells of its row in the table."""
    text = TABLE.read_text().split("## Collections", 1)[1].split("\n\n", 2)[1]
    cells = (
        [cell.strip() for cell in row.strip("|").split(" | ")] for row in text.splitlines()[2:]
    )
    return {row[0].strip("`"): row for row in cells}


@cache
def allowed_writers() -> dict[str, frozenset[str]]:
    """collection → the services in bold in its owner and writers cells."""
    allowed = {}
    for collection, cells in rows().items():
        writers = {name.lower() for name in re.findall(r"\*\*([^*]+)\*\*", " ".join(cells[1:3]))}
        unknown = writers - set(SERVICES)
        assert not unknown, f"{collection}: {unknown} in bold are not services ({set(SERVICES)})"
        allowed[collection] = frozenset(writers)
    return allowed


@cache
def raw_readers() -> dict[str, frozenset[str]]:
    """collection → the services its readers cell lists as reading it "(raw)", not through a
    read model (e.g. "the settle, janitor (raw)")."""
    found = {}
    for collection, cells in rows().items():
        parts = (part.strip() for part in cells[3].split(";"))
        names = (part.rpartition("(")[0] for part in parts if part.endswith("(raw)"))
        found[collection] = frozenset(
            name.strip().lower() for part in names for name in part.split(",")
        )
    return found


@cache
def scanned() -> collection_writes.Scan:
    packages = [ROOT / path for path in [*SERVICES.values(), SHARED]]
    return collection_writes.scan(packages, DYNAMIC)


@cache
def writes() -> dict[str, dict[str, set[str]]]:
    """service → collection → where its code (or shared code it reaches) writes it."""
    functions = scanned().functions
    found: dict[str, dict[str, set[str]]] = {}
    for service, path in SERVICES.items():
        package = Path(path).name
        roots = {name for name in functions if name.partition(".")[0] == package}
        found[service] = {}
        for name in collection_writes.reachable(functions, roots):
            for collection, places in functions[name].writes.items():
                for written in _own_constant(package, collection):
                    found[service].setdefault(written, set()).update(places)
    return found


def _own_constant(package: str, collection: str) -> set[str]:
    """A collection, or a `<CONSTANT>` of the service's own (DYNAMIC) as the names it holds."""
    if not collection.startswith("<"):
        return {collection}
    constant = collection.strip("<>")
    rows = [
        row
        for module in scanned().modules
        if module.name.partition(".")[0] == package
        for row in module.strings.get(constant, [])
    ]
    return {name for row in rows for name in row if name} or {collection}


def test_the_table_lists_each_collection_once_with_an_owner():
    assert len(allowed_writers()) >= 18
    assert all(allowed_writers().values())


def test_every_collection_access_in_the_code_is_resolved():
    assert scanned().unresolved == []
    assert scanned().dynamic_used == set(DYNAMIC), "a DYNAMIC entry no longer matches the code"


def test_every_collection_the_code_writes_is_in_the_table():
    written = {collection for found in writes().values() for collection in found}
    assert written - set(allowed_writers()) == set()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_writes_only_the_collections_the_table_allows_it(service):
    wrong = {
        collection: sorted(places)
        for collection, places in writes()[service].items()
        if service not in allowed_writers().get(collection, ())
    }
    assert wrong == {}, f"{service} writes collections docs/architecture.md does not allow it"


def test_every_writer_the_table_names_does_write():
    stale = sorted(
        f"{collection}: {service}"
        for collection, services in allowed_writers().items()
        for service in services
        if collection not in writes()[service]
    )
    assert stale == [], "the table allows writers the code no longer has; update the table"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_reads_others_collections_through_the_read_models(service):
    """Its own code names only the collections it writes or reads raw by the table; any other
    it reads through jaryo_shared (the read models, the settle, the claims)."""
    package = Path(SERVICES[service]).name
    raw = {
        f"{collection} in {name}"
        for name, function in scanned().functions.items()
        if name.partition(".")[0] == package
        for collection in function.touches
        if service not in allowed_writers()[collection] | raw_readers()[collection]
    }
    assert raw == set(), f"{service} reads these itself; add a read model, or say why in the table"
