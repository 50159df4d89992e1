"""The upload's event stream (gateway.uploads.sse) over a fake waiter: a sign-out ends it with
`signed-out` at its next change or heartbeat, and a live sign-in keeps it going."""

from __future__ import annotations

from gateway.uploads import sse

PROCESSING = {"upload_id": "u1", "status": "processing"}


class QuietWaiter:
    """Nothing changes: every wait is a heartbeat."""

    def __init__(self) -> None:
        self.closed = False

    def wait(self, timeout: float) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def _events(chunks: list[str]) -> list[str]:
    return [c.split("\n", 1)[0].removeprefix("event: ") for c in chunks if c.startswith("event:")]


def test_a_sign_out_ends_the_stream_with_signed_out_at_the_next_heartbeat():
    answers = iter([True, True, False])  # signed in at the start and one heartbeat, then not
    waiter = QuietWaiter()
    stream = sse.upload_stream(
        lambda: dict(PROCESSING),
        waiter,  # type: ignore[arg-type]
        lambda: next(answers),
        heartbeat_seconds=15,
        max_seconds=600,
    )

    chunks = list(stream)

    assert _events(chunks) == ["progress", "signed-out"]
    assert chunks.count(": keep-alive\n\n") == 2
    assert '"detail"' in chunks[-1] and waiter.closed


def test_a_live_sign_in_keeps_the_stream_until_its_time_is_up():
    waiter = QuietWaiter()
    stream = sse.upload_stream(
        lambda: dict(PROCESSING),
        waiter,  # type: ignore[arg-type]
        lambda: True,
        heartbeat_seconds=0.01,
        max_seconds=0.05,
    )

    assert _events(list(stream)) == ["progress"]
    assert waiter.closed
