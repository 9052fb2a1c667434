"""Child process for the startup benchmark: start a GUI, report when it is shown and idle.

``python benchmarks/startup_probe.py app|bare RESULT.json [open]``

``app`` runs the real entry point, ``kimi_desktop.app.main([])``; ``bare`` shows
a plain ``QMainWindow`` holding one ``QTextBrowser``. Both are measured the same
way, without touching the app's code: the target's modules are imported
first, in the order ``python -m kimi_desktop`` imports them (PySide6 installs an
import hook that makes every later import dearer, so order matters); then the
``QApplication`` is created here (``main`` reuses an existing one) with an
event filter that notices the main window's first paint; the next zero-timer
after it marks the first event loop turn with nothing left to do. At that moment the probe writes
``time.monotonic()`` (the same clock in every process, so the parent can
subtract the moment it spawned this one), the process's CPU time so far and
the resident set size, waits
:data:`SETTLE_S` more for the RSS after deferred start-up work, and closes the
window so the process ends the way it does for a user.

With ``open``, once the app is ready the probe opens the history's first
conversation, lets it paint, and reports the resident set size
:data:`SETTLE_S` after that instead (``rss_open_mb``).
"""

from __future__ import annotations

import json
import sys
import time

if sys.argv[1:2] == ["app"]:
    from kimi_desktop.app import main as app_main

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTextBrowser, QWidget

SETTLE_S = 0.5
WATCHDOG_MS = 60_000


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class ReadyProbe(QObject):
    """Finds the first paint of a main window, then the idle turn after it."""

    def __init__(self, app: QApplication, result_path: str, *, open_first: bool = False) -> None:
        super().__init__()
        self._app = app
        self._path = result_path
        self._open_first = open_first
        self._painted = False
        self.result: dict[str, float] = {"import_done": time.monotonic()}
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self._painted
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and isinstance(watched.window(), QMainWindow)
        ):
            self._painted = True
            self.result["first_paint"] = time.monotonic()
            QTimer.singleShot(0, self._on_idle)
        return False

    def _on_idle(self) -> None:
        self.result["ready"] = time.monotonic()
        # CPU seconds of the whole process so far (every thread, Python's own start
        # included): unlike the wall clock, barely moved by other load on the machine.
        self.result["cpu_ready"] = time.process_time()
        self.result["rss_ready_mb"] = _rss_mb()
        self._app.removeEventFilter(self)
        QTimer.singleShot(int(SETTLE_S * 1000), self._on_settled)

    def _open_conversation(self) -> None:
        window = next(w for w in self._app.topLevelWidgets() if isinstance(w, QMainWindow))
        model = window.conversation_model  # type: ignore[attr-defined]
        conversation = model.index(0, 0).data(_conversation_role())
        window.open_conversation(conversation.id)  # type: ignore[attr-defined]
        self.result["opened"] = time.monotonic()
        QTimer.singleShot(int(SETTLE_S * 1000), self._on_open_settled)

    def _on_open_settled(self) -> None:
        self.result["rss_open_mb"] = _rss_mb()
        self._finish()

    def _on_settled(self) -> None:
        self.result["rss_settled_mb"] = _rss_mb()
        if self._open_first:
            self._open_conversation()
        else:
            self._finish()

    def _finish(self) -> None:
        with open(self._path, "w", encoding="utf-8") as out:
            json.dump(self.result, out)
        for window in self._app.topLevelWidgets():
            window.close()


def _conversation_role() -> int:
    from kimi_desktop.ui.sidebar.roles import ConversationRole

    return ConversationRole


def bare() -> int:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = QMainWindow()
    window.setWindowTitle("Bare")
    window.setCentralWidget(QTextBrowser())
    window.resize(1100, 760)
    window.show()
    return app.exec()


def main() -> int:
    target, result_path = sys.argv[1], sys.argv[2]
    app = QApplication(sys.argv[:1])
    open_first = sys.argv[3:4] == ["open"]
    _probe = ReadyProbe(
        app, result_path, open_first=open_first
    )  # kept alive: its event filter does the work
    QTimer.singleShot(WATCHDOG_MS, app.quit)
    status = app_main([]) if target == "app" else bare()
    exited = time.monotonic()
    try:
        with open(result_path, encoding="utf-8") as saved:
            data = json.load(saved)
    except (OSError, ValueError):
        data = {}  # never became ready: the parent reports it
    data["exited"] = exited
    with open(result_path, "w", encoding="utf-8") as out:
        json.dump(data, out)
    return status


if __name__ == "__main__":
    sys.exit(main())
