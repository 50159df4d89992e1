"""The slots of long-held requests (jaryo_shared.slots), as exports use them: a cap per process and
one per user, a slot given back exactly once however its stream stops (it ends, it fails, its
reader closes it before or after it started), and a freed slot usable again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jaryo_shared.slots import NoSlotFree, NoSlotFreeForUser, Slots, held_while


def _chunks(*parts: bytes, fail: bool = False) -> Iterator[bytes]:
    yield from parts
    if fail:
        raise OSError("the object store went away")


def test_a_user_over_their_own_cap_is_refused_while_another_user_still_gets_a_slot() -> None:
    slots = Slots(max_total=8, max_per_user=1)
    slots.take("alice")

    with pytest.raises(NoSlotFreeForUser):
        slots.take("alice")
    slots.take("bob")

    assert (slots.taken("alice"), slots.taken("bob"), slots.taken()) == (1, 1, 2)


def test_over_the_process_cap_everyone_is_refused_until_one_slot_is_given_back() -> None:
    slots = Slots(max_total=2, max_per_user=1)
    first = slots.take("alice")
    slots.take("bob")

    with pytest.raises(NoSlotFree):
        slots.take("carol")
    first.close()

    slots.take("carol")
    assert slots.taken() == 2 and slots.taken("alice") == 0


def test_a_user_at_their_cap_is_told_so_even_when_the_process_is_full() -> None:
    slots = Slots(max_total=1, max_per_user=1)
    slots.take("alice")

    with pytest.raises(NoSlotFreeForUser):  # their own export is what stands in the way
        slots.take("alice")


def test_a_slot_closed_twice_is_given_back_once() -> None:
    slots = Slots(max_total=2, max_per_user=2)
    slot = slots.take("alice")
    slots.take("alice")

    slot.close()
    slot.close()

    assert slots.taken("alice") == 1 and slots.taken() == 1


def test_the_slot_comes_back_when_the_stream_ends() -> None:
    slots = Slots(max_total=1, max_per_user=1)
    stream = held_while(_chunks(b"a", b"b"), slots.take("alice"))

    assert next(stream) == b"a"
    assert slots.taken("alice") == 1  # still streaming
    assert list(stream) == [b"b"]

    assert slots.taken() == 0
    slots.take("alice")


def test_the_slot_comes_back_when_the_stream_fails() -> None:
    slots = Slots(max_total=1, max_per_user=1)
    stream = held_while(_chunks(b"a", fail=True), slots.take("alice"))

    with pytest.raises(OSError):
        list(stream)

    assert slots.taken() == 0


def test_the_slot_comes_back_when_the_reader_closes_the_stream_part_way() -> None:
    slots = Slots(max_total=1, max_per_user=1)
    stream = held_while(_chunks(b"a", b"b", b"c"), slots.take("alice"))
    assert next(stream) == b"a"

    stream.close()  # what the server does when the client went away

    assert slots.taken() == 0


def test_a_stream_closed_before_it_started_gives_nothing_back_by_itself() -> None:
    # Why the export route also closes the slot when the response is closed: a generator
    # closed before its first step never runs its `finally`.
    slots = Slots(max_total=1, max_per_user=1)
    slot = slots.take("alice")
    stream = held_while(_chunks(b"a"), slot)

    stream.close()
    assert slots.taken() == 1
    slot.close()

    assert slots.taken() == 0
