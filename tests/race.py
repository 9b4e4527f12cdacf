"""Running work in threads released at the same instant: the one harness of the concurrency tests.

Each task gets `go`, a function it calls right before its racing step (after its own set-up, such
as signing in); every task's `go` returns together. Results come back in the order of the tasks;
the first exception raised in a thread is raised again in the test's thread; a hung thread fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

TIMEOUT = 30

Task = Callable[[Callable[[], None]], Any]


def run_together(tasks: list[Task], *, timeout: float = TIMEOUT) -> list:
    """Run each task in its own thread; return their results in order."""
    barrier = threading.Barrier(len(tasks))
    results: list = [None] * len(tasks)
    failures: list[BaseException] = []

    def go() -> None:
        barrier.wait(timeout=timeout)

    def run(index: int, task: Task) -> None:
        try:
            results[index] = task(go)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test's thread below
            failures.append(exc)
            barrier.abort()  # the others stop waiting for a thread that will never arrive

    threads = [threading.Thread(target=run, args=(i, task), name=f"race-{i}") for i, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout * 4)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    if failures:
        raise next((f for f in failures if not isinstance(f, threading.BrokenBarrierError)), failures[0])
    return results
