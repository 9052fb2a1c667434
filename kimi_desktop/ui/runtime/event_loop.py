"""The qasync event loop, with ``run_until_complete`` that never wakes tasks outside it."""

from __future__ import annotations

import asyncio
import sys
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

    def run_forever(self) -> Any:
        # WORKAROUND: qasync's run_forever runs Qt's loop without installing asyncio's
        # async-generator hooks (BaseEventLoop.run_forever does), so a stream generator
        # left open by a cancelled reply is finalised by the garbage collector outside
        # the loop: "async generator ignored GeneratorExit" from httpcore. Installing
        # the hooks lets the loop close it as asyncio would. Seen with qasync 0.28.0;
        # no upstream report found.
        old_hooks = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(
            firstiter=self._asyncgen_firstiter_hook, finalizer=self._asyncgen_finalizer_hook
        )
        try:
            return super().run_forever()
        finally:
            sys.set_asyncgen_hooks(*old_hooks)

    def run_until_complete(self, future: Awaitable[_T]) -> _T:
        # WORKAROUND: qasync's run_until_complete calls processEvents() once more after
        # run_forever() has cleared the running loop, so tasks woken there run with no
        # running loop (anyio's NoEventLoopError here; on Python 3.14 asyncio itself
        # raises "is not the running loop"). This copy omits that last pass; still
        # present in qasync 0.28.0 (https://github.com/CabbageDevelopment/qasync/issues/176)
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
