"""Running blocking calls (the keyring, a large search) off the GUI thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

_T = TypeVar("_T")


async def in_worker(call: Callable[[], _T]) -> _T:
    """``call()`` in the event loop's worker threads.

    Unlike ``asyncio.to_thread`` this also works when qasync runs a task's first
    step from Qt's event processing, outside ``run_until_complete``/``run_forever``
    (no loop is "running" then, but the qasync loop is the current one).
    """
    # WORKAROUND: since qasync 0.24.2 its loop counts as running only inside
    # run_forever(), so asyncio.to_thread()'s get_running_loop() raises "no running
    # event loop" in a task stepped from Qt events processed outside it (before the
    # loop starts, pytest-qt's waits); get_event_loop() finds the qasync loop there too
    # (https://github.com/CabbageDevelopment/qasync/issues/121)
    return await asyncio.get_event_loop().run_in_executor(None, call)


class BackgroundTasks:
    """Coroutines started for an object that may go away before they finish.

    A window's keyring look-ups and thumbnail decoding would otherwise resume
    into deleted widgets; :meth:`cancel_all` stops them when it closes.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Future[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def cancel_all(self) -> list[asyncio.Future[None]]:
        """Cancel every task still running; returns them, for a caller that can
        wait until they have unwound."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        return tasks
