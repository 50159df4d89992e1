"""The janitor and deck revisions: older revisions' files go once a newer revision has been
built for the grace period, a stuck revision is failed counting from its own request (and only
the latest one), and a purged deck takes its revisions, their outcome claims and their PDFs
with it."""

from __future__ import annotations

from janitor.policies import old_revisions, retention, stuck_decks
from jaryo_shared import deck_outcomes
from jaryo_shared.keys import deck_key, deck_pdf_key, deck_preview_key
from jaryo_shared.read_models.deck_pdfs import pdf_id
from jaryo_shared.read_models.decks import revision_id
from tests.unit.janitor_world import DAY, MINUTE, START, USER, World, run_policy


def _revised(world: World, deck_id: str, latest: int, at=START) -> None:
    for revision in range(2, latest + 1):
        world.db.deck_revisions.insert_one(
            {
                "_id": revision_id(deck_id, revision),
                "deck_id": deck_id,
                "user_id": USER,
                "revision": revision,
                "created_at": at,
            }
        )


def _built(world: World, deck_id: str, revision: int, at=START, **fields) -> str:
    key = deck_key(USER, deck_id, "deck", revision)
    world.store.put(world.settings.bucket_decks, key, at=at)
    world.store.put(world.settings.bucket_decks, deck_preview_key(USER, deck_id, 1, revision))
    build = {"status": "completed", "revision": revision, "built_revision": revision}
    world.db.deck_builds.delete_one({"_id": deck_id})
    world.db.deck_builds.insert_one(
        {"_id": deck_id, "user_id": USER, **build, "file_path": key, **fields}
    )
    return key


def _deck_keys(world: World) -> list[str]:
    return sorted(key for _, key in world.store.objects if "/deck" in key)


def test_older_revisions_files_go_once_the_newer_one_is_past_the_grace_period():
    world = World()
    world.deck("dk01", built=None)  # revision 1's file, deck.pptx
    _revised(world, "dk01", 4)
    _built(world, "dk01", 2)
    newest = _built(world, "dk01", 3, at=START + 60 * MINUTE)
    in_flight = deck_key(USER, "dk01", "deck", 4)
    world.store.put(world.settings.bucket_decks, in_flight)

    assert run_policy(old_revisions, world.janitor(START + 65 * MINUTE)) == []
    [planned] = run_policy(old_revisions, world.janitor(START + 71 * MINUTE))

    assert (planned.policy, planned.subject, len(planned.objects)) == ("old-revisions", "dk01", 3)
    assert _deck_keys(world) == sorted([newest, deck_preview_key(USER, "dk01", 1, 3), in_flight])


def test_a_stuck_revision_counts_from_its_own_request_and_only_the_latest_is_failed():
    world = World()
    world.deck("dk01", built="completed")
    _revised(world, "dk01", 2, at=START + DAY)
    revised_later = START + DAY + 10 * MINUTE
    world.db.deck_revisions.insert_one(
        {
            "_id": revision_id("dk01", 3),
            "deck_id": "dk01",
            "revision": 3,
            "created_at": revised_later,
        }
    )

    assert run_policy(stuck_decks, world.janitor(START + DAY + 20 * MINUTE)) != []
    assert world.db.deck_builds.find_one({"_id": "dk01"})["status"] == "completed"  # 2 skipped
    planned = run_policy(stuck_decks, world.janitor(revised_later + 16 * MINUTE))

    assert [p.subject for p in planned] == [revision_id("dk01", 3)]
    build = world.db.deck_builds.find_one({"_id": "dk01"})
    assert (build["status"], build["revision"]) == ("failed", 3)
    assert deck_outcomes.finisher(world.db, "dk01", 3) == stuck_decks.SOURCE  # type: ignore[arg-type]
    assert world.events("jaryo.deck.failed.v1")[0]["revision"] == 3


def test_a_purged_deck_takes_its_revisions_and_their_claims_with_it():
    world = World()
    world.deck("dk01")
    _revised(world, "dk01", 3)
    for revision in (1, 3):
        deck_outcomes.claim(world.db, "dk01", "jaryo/deck-service", START, revision)  # type: ignore[arg-type]

    run_policy(retention, world.janitor(START + 31 * DAY, retention_days=30))

    assert world.db.deck_revisions.find() == [] and world.db.deck_outcomes.find() == []
    assert world.db.decks.find() == []


def test_a_purge_cut_short_among_the_revisions_leaves_none_behind_after_a_rerun():
    world = World()
    world.deck("dk02")
    _revised(world, "dk02", 5)
    deleted: list[str] = []
    revisions = world.db.deck_revisions
    delete_one = revisions.delete_one

    def dies_after_the_first(query):
        if deleted:
            raise ConnectionError("the janitor's connection died mid-purge")
        deleted.append(query["_id"])
        return delete_one(query)

    revisions.delete_one = dies_after_the_first  # type: ignore[method-assign]
    janitor = world.janitor(START + 31 * DAY, retention_days=30)
    try:
        run_policy(retention, janitor)
    except ConnectionError:
        pass
    revisions.delete_one = delete_one  # type: ignore[method-assign]
    run_policy(retention, world.janitor(START + 31 * DAY, retention_days=30))

    assert world.db.deck_revisions.find() == [] and world.db.decks.find() == []


def _pdf(world: World, deck_id: str, revision: int) -> str:
    """A revision's PDF as the gateway asked for it and the deck service stored it."""
    key = deck_pdf_key(USER, deck_id, "deck", revision)
    world.store.put(world.settings.bucket_decks, key)
    asked = {"_id": pdf_id(deck_id, revision), "deck_id": deck_id, "revision": revision}
    world.db.deck_pdf_requests.insert_one(asked)
    world.db.deck_pdfs.insert_one({**asked, "status": "ready", "file_path": key})
    return key


def test_a_purged_deck_takes_its_pdfs_and_their_records_with_it():
    world = World()
    world.deck("dk01")
    _revised(world, "dk01", 3)
    for revision in (1, 3):
        _pdf(world, "dk01", revision)

    run_policy(retention, world.janitor(START + 31 * DAY, retention_days=30))

    assert world.db.deck_pdf_requests.find() == [] and world.db.deck_pdfs.find() == []
    assert not any(key.endswith(".pdf") for key in _deck_keys(world))


def test_an_older_revisions_pdf_goes_with_its_files_and_the_built_ones_stays():
    world = World()
    world.deck("dk01", built=None)
    _revised(world, "dk01", 2)
    _pdf(world, "dk01", 1)
    _built(world, "dk01", 2)
    kept = _pdf(world, "dk01", 2)

    [planned] = run_policy(old_revisions, world.janitor(START + 11 * MINUTE))

    assert deck_pdf_key(USER, "dk01", "deck", 1) in [key for _, key, _ in planned.objects]
    assert kept in _deck_keys(world)
    assert [p["_id"] for p in world.db.deck_pdf_requests.find()] == [pdf_id("dk01", 2)]
    assert [p["_id"] for p in world.db.deck_pdfs.find()] == [pdf_id("dk01", 2)]
