"""Running a worker service as N processes (one per core by default) under one parent.

The parent starts the children, restarts one that dies (an engine crash takes down only its own
process, and its message is redelivered), and on SIGTERM/SIGINT passes the signal on so every
child finishes the message in hand before the parent exits.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)


QUICK_EXIT_SECONDS = 10.0
MAX_RESTART_DELAY = 30.0


def supervise(
    count: int,
    target: Callable[[int], None],
    *,
    restart_delay: float = 1.0,
    on_exit: Callable[[int], None] = lambda pid: None,
) -> None:
    """Run `target(index)` in `count` fresh processes until told to stop. `target` must be a
    module-level function (children are spawned, not forked: no inherited sockets or locks).
    `on_exit(pid)` is called for each child that has exited."""
    _Supervisor(target, restart_delay, on_exit).run(count)


class _Supervisor:
    """The children of one `supervise` call, by index, and when each last started."""

    def __init__(
        self, target: Callable[[int], None], restart_delay: float, on_exit: Callable[[int], None]
    ) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._target = target
        self._restart_delay = restart_delay
        self._on_exit = on_exit
        self._stopping = False
        self._children: dict[int, BaseProcess] = {}
        self._started_at: dict[int, float] = {}
        self._delays: dict[int, float] = {}

    def run(self, count: int) -> None:
        self._children = {index: self._start(index) for index in range(count)}
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while self._children:
            wait([process.sentinel for process in self._children.values()], timeout=1.0)
            for index, process in list(self._children.items()):
                if not process.is_alive():
                    self._reap(index, process)
        log.info("all workers stopped")

    def _start(self, index: int) -> BaseProcess:
        process = self._context.Process(target=self._target, args=(index,), name=f"worker-{index}")
        process.start()
        self._started_at[index] = time.monotonic()
        log.info("started worker %d (pid %s)", index, process.pid)
        return process

    def _stop(self, signum: int, _frame: object) -> None:
        self._stopping = True
        log.info("received %s: stopping the workers", signal.Signals(signum).name)
        for process in self._children.values():
            if process.is_alive() and process.pid:
                process.terminate()  # SIGTERM: the child finishes its message first

    def _reap(self, index: int, process: BaseProcess) -> None:
        process.join()
        del self._children[index]
        if process.pid:
            self._on_exit(process.pid)
        if not self._stopping:
            self._restart(index, process)

    def _restart(self, index: int, process: BaseProcess) -> None:
        delay = self._next_delay(index)
        log.error(
            "worker %d (pid %s) exited with code %s; restarting it in %.0f s",
            index,
            process.pid,
            process.exitcode,
            delay,
        )
        time.sleep(delay)
        self._children[index] = self._start(index)

    def _next_delay(self, index: int) -> float:
        """A child that keeps dying at start-up (bad config, server down) backs off."""
        quick = time.monotonic() - self._started_at[index] < QUICK_EXIT_SECONDS
        delay = (
            min(MAX_RESTART_DELAY, self._delays.get(index, self._restart_delay) * 2)
            if quick
            else self._restart_delay
        )
        self._delays[index] = delay
        return delay
