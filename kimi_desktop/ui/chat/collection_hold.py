"""Python's full garbage collections wait while the chat view scrolls.

A full pass of the cyclic garbage collector walks every object the app holds,
tens of thousands once a long conversation is open: 50 ms on a 2-core machine,
three frames of a scroll. Scrolling allocates (markdown tokens, rendered rows),
so the allocation count that starts a full pass tends to run out during one.

While a view scrolls, the oldest generation's threshold is raised out of reach;
the young generations are still collected, as they are cheap. Once the view
has rested for a moment the threshold is put back, and a full pass that came
due runs at the next collection, while the reader reads. Python versions whose
collector ignores that threshold (an incremental collector) make this a no-op.
"""

from __future__ import annotations

import gc
import itertools

from PySide6.QtCore import QObject, QTimer

#: How long the view must rest before full collections may run again.
REST_MS = 400

_OUT_OF_REACH = 1 << 30

_holders: set[int] = set()  # the holds in force, by key
_keys = itertools.count()
_saved_threshold: int | None = None  # the oldest generation's threshold before the first


def _set_holding(key: int, holding: bool) -> None:
    """Record whether the hold ``key`` is in force; the first raises the threshold, the
    last puts it back (unless something else changed it meanwhile)."""
    global _saved_threshold
    before = bool(_holders)
    if holding:
        _holders.add(key)
    else:
        _holders.discard(key)
    if _holders and not before:
        young, middle, oldest = gc.get_threshold()
        _saved_threshold = oldest
        gc.set_threshold(young, middle, _OUT_OF_REACH)
    elif before and not _holders and _saved_threshold is not None:
        young, middle, oldest = gc.get_threshold()
        if oldest == _OUT_OF_REACH:
            gc.set_threshold(young, middle, _saved_threshold)
        _saved_threshold = None


def full_collections_held() -> bool:
    """Whether some view holds full collections back now."""
    return bool(_holders)


class FullCollectionHold(QObject):
    """Holds full garbage collections back from :meth:`hold` until :data:`REST_MS`
    after the last call, or until :meth:`release`.

    Released when destroyed, so a view deleted while scrolling leaves the
    collector as it found it.
    """

    def __init__(self, parent: QObject | None = None, *, rest_ms: int = REST_MS) -> None:
        super().__init__(parent)
        key = next(_keys)
        self._key = key
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(rest_ms)
        self._timer.timeout.connect(self.release)
        # Not a bound method: it must run after the Python side is gone too.
        self.destroyed.connect(lambda: _set_holding(key, False))

    def hold(self) -> None:
        """Hold full collections back (again) for :data:`REST_MS`."""
        _set_holding(self._key, True)
        self._timer.start()

    def release(self) -> None:
        """Let full collections run again (if no other view holds them)."""
        self._timer.stop()
        _set_holding(self._key, False)

    def is_holding(self) -> bool:
        return self._key in _holders
