"""Work that waits for the first sign of use: a key, a click, the pointer moving over a window.

Some preparation only matters once a person does something: the API key read
from the keyring (whose backends cost over 10 MB and half a second of CPU to
load) and the model list fetched with it, and the markdown renderer, its lexers
and the message widgets (some 7 MB and a quarter of a second of CPU), are needed
for the first reply or the first conversation opened, never by a window left
alone. Started at the first key press or pointer movement, it is ready before a
message can be typed and sent or a conversation clicked, and a window nobody
touches does not carry it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

_log = logging.getLogger(__name__)

#: What counts as use: the pointer moving over a window is the earliest warning
#: of a click. Not ``Enter``, which a window shown under a still pointer gets too.
_USE = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.DragEnter,
        QEvent.Type.InputMethod,
    }
)


class OnFirstInput(QObject):
    """Runs each queued callable once, on the event-loop turn after the app's first
    input event (see :data:`_USE`), in the order queued.

    Watches the whole application until then (an event filter on it), and
    nothing after. :meth:`now` runs the queue at once, for a caller that knows
    the work is needed (and for tests). A callable that raises is logged and
    the next one still runs.
    """

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._queue: list[Callable[[], None]] = []
        self._done = False
        app.installEventFilter(self)

    @property
    def done(self) -> bool:
        """Whether the queue has run (work queued afterwards runs at once)."""
        return self._done

    def later(self, work: Callable[[], None]) -> None:
        """Run ``work`` after the first input (at once, if that has happened)."""
        if self._done:
            _run(work)
        else:
            self._queue.append(work)

    def now(self) -> None:
        """Run the queue now and stop watching."""
        if self._done:
            return
        self._done = True
        self._app.removeEventFilter(self)
        queue, self._queue = self._queue, []
        for work in queue:
            _run(work)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() in _USE:
            # Not inside the event's own delivery: the key or click is handled first.
            QTimer.singleShot(0, self, self.now)
        return False


def _run(work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:
        _log.exception("work on the first input failed: %r", work)
