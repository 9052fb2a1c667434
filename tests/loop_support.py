"""Waiting on conditions with the qasync loop running, as the app's tasks need.

These poll a condition with a deadline; they never sleep for a fixed time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

DEADLINE_S = 20.0


def run_until(loop: asyncio.AbstractEventLoop, predicate: Callable[[], bool]) -> None:
    """Run the loop until ``predicate()`` holds."""

    async def wait() -> None:
        deadline = time.monotonic() + DEADLINE_S
        while not predicate():
            assert time.monotonic() < deadline, "the condition did not come true in time"
            await asyncio.sleep(0.02)

    loop.run_until_complete(wait())


def settle(loop: asyncio.AbstractEventLoop) -> None:
    """Run the loop until background work (model refreshes, attachments) is done.

    Left pending, it would be woken by the Qt events pytest-qt processes after
    the test, outside a running asyncio loop.
    """

    async def idle() -> None:
        me = asyncio.current_task()
        deadline = time.monotonic() + DEADLINE_S
        while any(not t.done() for t in asyncio.all_tasks() if t is not me):
            assert time.monotonic() < deadline, "background tasks did not finish"
            await asyncio.sleep(0.02)

    loop.run_until_complete(idle())
