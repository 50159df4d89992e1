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
    context = multiprocessing.get_context("spawn")
    stopping = False

    started_at: dict[int, float] = {}
    delays: dict[int, float] = {}

    def start(index: int) -> BaseProcess:
        process = context.Process(target=target, args=(index,), name=f"worker-{index}")
        process.start()
        started_at[index] = time.monotonic()
        log.info("started worker %d (pid %s)", index, process.pid)
        return process

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        log.info("received %s: stopping the workers", signal.Signals(signum).name)
        for process in children.values():
            if process.is_alive() and process.pid:
                process.terminate()  # SIGTERM: the child finishes its message first

    children = {index: start(index) for index in range(count)}
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while children:
        wait([process.sentinel for process in children.values()], timeout=1.0)
        for index, process in list(children.items()):
            if process.is_alive():
                continue
            process.join()
            del children[index]
            if process.pid:
                on_exit(process.pid)
            if not stopping:
                # A child that keeps dying at start-up (bad config, server down) backs off.
                quick = time.monotonic() - started_at[index] < QUICK_EXIT_SECONDS
                delay = (
                    min(MAX_RESTART_DELAY, delays.get(index, restart_delay) * 2)
                    if quick
                    else restart_delay
                )
                delays[index] = delay
                log.error(
                    "worker %d (pid %s) exited with code %s; restarting it in %.0f s",
                    index,
                    process.pid,
                    process.exitcode,
                    delay,
                )
                time.sleep(delay)
                children[index] = start(index)
    log.info("all workers stopped")
