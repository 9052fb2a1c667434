"""Qt pieces the in-process benchmarks share: the app, the qasync loop, a tick probe.

:class:`TickProbe` is how "the UI stayed responsive" is measured: a 5 ms
precise ``QTimer`` records when it actually fired; a gap between two ticks is
time in which the GUI thread could not have handled a click, a key or a paint.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Coroutine
from itertools import pairwise
from typing import Any, TypeVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

T = TypeVar("T")
TICK_MS = 5


def application() -> QApplication:
    app = QApplication.instance() or QApplication(["kimi-desktop-bench"])
    assert isinstance(app, QApplication)
    # Benchmarks open and close windows run after run; closing one must not end the loop.
    app.setQuitOnLastWindowClosed(False)
    return app


_loop: asyncio.AbstractEventLoop | None = None


def qt_loop() -> asyncio.AbstractEventLoop:
    """The process's one qasync loop on the QApplication, as the app runs it."""
    global _loop
    if _loop is None:
        from qasync import QEventLoop

        _loop = QEventLoop(application())
        asyncio.set_event_loop(_loop)
    return _loop


def close_qt_loop() -> None:
    """Close the qasync loop (and its worker threads) before the process exits."""
    global _loop
    if _loop is not None:
        _loop.close()
        asyncio.set_event_loop(None)
        _loop = None


def run_qt(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the qasync loop (Qt events are processed meanwhile)."""
    return qt_loop().run_until_complete(coro)


def run_plain(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a fresh plain selector loop: no Qt involved at all.

    Created explicitly: with qasync's policy in place, ``new_event_loop()`` would
    hand out another Qt loop.
    """
    loop = asyncio.SelectorEventLoop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


class TickProbe(QObject):
    """Records when a 5 ms precise timer really fires, between :meth:`start` and :meth:`stop`.

    Beside the wall clock it notes the GUI thread's CPU time (``time.thread_time``)
    at each point: on a machine shared with other work a gap's wall time includes
    waiting for a core, its CPU time does not.
    """

    def __init__(self, interval_ms: int = TICK_MS) -> None:
        super().__init__()
        self.ticks: list[float] = []
        self.cpu_ticks: list[float] = []
        self.started = self.stopped = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())
        self.cpu_ticks.append(time.thread_time())

    def start(self) -> None:
        self.ticks = []
        self.cpu_ticks = [time.thread_time()]
        self.started = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.stopped = time.perf_counter()
        self.cpu_ticks.append(time.thread_time())

    def gaps_ms(self) -> list[float]:
        """Gaps between start, each tick and stop, in milliseconds."""
        points = [self.started, *self.ticks, self.stopped]
        return [(b - a) * 1000 for a, b in pairwise(points)]

    def cpu_gaps_ms(self) -> list[float]:
        """The GUI thread's CPU time between start, each tick and stop, in milliseconds."""
        return [(b - a) * 1000 for a, b in pairwise(self.cpu_ticks)]


class PaintCounter(QObject):
    """Counts paint events a widget receives (an event filter, nothing else)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def paint_now(counter: PaintCounter, rounds: int = 5) -> bool:
    """Process pending events until the widget painted; whether it did."""
    before = counter.count
    for _ in range(rounds):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
        if counter.count > before:
            return True
    return False


async def settle(seconds: float = 0.05) -> None:
    """Let the event loop run for a moment (window shown, first paints done)."""
    await asyncio.sleep(seconds)
