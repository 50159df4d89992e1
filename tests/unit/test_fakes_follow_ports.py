"""The fakes stand in for the ports: a fake that drifted from its Protocol would let a unit test
pass against an interface the real client does not have."""

from jaryo_shared.messaging import Publisher
from jaryo_shared.objectstore import ObjectStore
from jaryo_shared.ports import EventPublisher, ObjectStorage
from tests.unit.fakes import FakeObjectStore, FakePublisher


def test_fakes_and_real_clients_satisfy_the_ports() -> None:
    # Every method a Protocol names must exist on each implementation, real and fake.
    for port, implementations in (
        (ObjectStorage, (ObjectStore, FakeObjectStore)),
        (EventPublisher, (Publisher, FakePublisher)),
    ):
        wanted = {name for name in vars(port) if not name.startswith("_")}
        for implementation in implementations:
            missing = {name for name in wanted if not callable(getattr(implementation, name, None))}
            assert not missing, f"{implementation.__name__} lacks {missing} of {port.__name__}"


def test_fake_object_store_round_trip_and_missing_keys() -> None:
    store = FakeObjectStore()
    store.put_bytes("b", "u/1/a.png", b"abc", "image/png")
    assert store.get_bytes("b", "u/1/a.png") == b"abc"
    assert store.get_bytes_if_present("b", "nothing") is None
    assert list(store.keys("b", "u/1/")) == ["u/1/a.png"]
    assert store.delete_prefix("b", "u/") == 1
    assert store.size("b", "u/1/a.png") is None
