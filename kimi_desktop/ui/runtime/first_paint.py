"""Work that waits until the window has painted once: the window first, the rest after.

A launch is judged by how soon the window is there. What the first paint does
not need (the File menu's export and import, listening for a second launch,
watching for the first input that reads the key and warms the markdown
renderer) is queued here and runs after that paint, one piece per
event-loop turn, so a click or a key pressed meanwhile is handled between two
pieces rather than after all of them.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

_log = logging.getLogger(__name__)

#: When the window never paints (minimised at start, no screen), the work runs anyway.
FALLBACK_MS = 3000


class AfterFirstPaint(QObject):
    """Runs queued callables, one per event-loop turn, once ``window`` has painted.

    Work queued after the paint runs on the next turn. A callable that raises is
    logged and the next one still runs.
    """

    def __init__(self, window: QWidget, *, fallback_ms: int = FALLBACK_MS) -> None:
        super().__init__(window)
        self._window = window
        self._queue: deque[Callable[[], None]] = deque()
        self._painted = False
        self._scheduled = False
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._on_painted)

    @property
    def painted(self) -> bool:
        """Whether the window has painted (or the fallback time has passed)."""
        return self._painted

    @property
    def idle(self) -> bool:
        """Whether the window has painted and every piece queued so far has run."""
        return self._painted and not self._queue and not self._scheduled

    def later(self, work: Callable[[], None]) -> None:
        """Run ``work`` after the first paint (soon, if that has happened)."""
        self._queue.append(work)
        if self._painted:
            self._schedule()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            # The zero timer fires once this paint, and the children's, are done.
            QTimer.singleShot(0, self, self._on_painted)
        return False

    def _on_painted(self) -> None:
        if self._painted:
            return
        self._painted = True
        self._window.removeEventFilter(self)
        self._schedule()

    def _schedule(self) -> None:
        if not self._scheduled and self._queue:
            self._scheduled = True
            QTimer.singleShot(0, self, self._run_one)

    def _run_one(self) -> None:
        self._scheduled = False
        if not self._queue:
            return
        work = self._queue.popleft()
        try:
            work()
        except Exception:
            _log.exception("work after the first paint failed: %r", work)
        self._schedule()
