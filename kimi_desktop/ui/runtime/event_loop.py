"""The qasync event loop, with ``run_until_complete`` that never wakes tasks outside it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from qasync import QEventLoop

_T = TypeVar("_T")


class AppEventLoop(QEventLoop):  # type: ignore[misc]
    """qasync's loop on the Qt event loop, minus one surprise.

    qasync ends ``run_until_complete`` by processing the pending Qt events once
    more after asyncio's loop has stopped running. A task woken there runs with
    no running loop: httpcore, through anyio, then fails with ``NoEventLoopError``
    and a streaming reply dies mid-read. Here the loop simply stops once the
    future is done; events still pending are handled the next time it runs.
    """

    def run_until_complete(self, future: Awaitable[_T]) -> _T:
        if self.is_running():
            raise RuntimeError("Event loop already running")
        task = asyncio.ensure_future(future, loop=self)

        def stop(_: Any) -> None:
            self.stop()

        task.add_done_callback(stop)
        try:
            self.run_forever()
        finally:
            task.remove_done_callback(stop)
        if not task.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return task.result()
