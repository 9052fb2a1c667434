"""Guards against Qt binding bugs the app cannot work around."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(int)


def test_signal_emit_keeps_the_reference_count_of_true() -> None:
    # PySide6 6.12.0 returned True from emit() without a new reference: each
    # emit released one, and a streaming reply emits thousands.
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for i in range(200):
        emitter.fired.emit(i)
    assert sys.getrefcount(True) >= before - 20
