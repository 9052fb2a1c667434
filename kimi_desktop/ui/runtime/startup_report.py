"""When asked through the environment, write down when the window first painted.

``KIMI_DESKTOP_STARTUP_REPORT=/path/file.json`` makes the app write, at the
first idle event-loop turn after the main window's first paint, a JSON object
with ``first_paint`` and ``ready`` (``time.monotonic()`` seconds, the same clock
in every process, so whoever started the app can subtract the moment it did)
and ``rss_mb``. The start-up benchmark times the whole process this way, from
``exec`` to an idle window, and a bare Qt window measured by the same class;
without the variable nothing here is imported.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

REPORT_VARIABLE = "KIMI_DESKTOP_STARTUP_REPORT"


def resident_mb() -> float:
    """This process's resident set size in MB (Linux ``/proc``; 0.0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class StartupReport(QObject):
    """Watches ``window`` for its first paint and writes the report after it."""

    def __init__(self, window: QWidget, path: Path) -> None:
        super().__init__(window)
        self._window = window
        self._path = path
        self._first_paint: float | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self._first_paint is None
            and watched is self._window
            and event.type() == QEvent.Type.Paint
        ):
            self._first_paint = time.monotonic()
            QTimer.singleShot(0, self, self._on_idle)
        return False

    def _on_idle(self) -> None:
        self._window.removeEventFilter(self)
        report = {
            "first_paint": self._first_paint,
            "ready": time.monotonic(),
            "rss_mb": resident_mb(),
        }
        self._path.write_text(json.dumps(report), encoding="utf-8")
