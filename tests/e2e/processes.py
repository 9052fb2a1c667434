"""Running the real app in another process and reading what it saved, for the e2e tests."""

from __future__ import annotations

import os
import sqlite3
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

#: The app's ``main`` in a child process, sending "Tell me a long story" as soon as
#: its window exists (the fake server decides what the reply does).
STREAMING_MAIN = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from kimi_desktop.app import main
    from kimi_desktop.ui.shell.main_window import MainWindow

    app = QApplication([])

    def send():
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        window.composer.set_text("Tell me a long story")
        window.composer.send_button.click()

    QTimer.singleShot(0, send)
    sys.exit(main([]))
    """
)


def app_environment(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment with the app's home at ``home``, offscreen."""
    return {**os.environ, "KIMI_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra}


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll ``predicate`` (another process is doing the work) until it holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.05)


def last_reply(database: Path) -> tuple[str, str] | None:
    """The last assistant message's (status, text), as another process sees it."""
    if not database.exists():
        return None
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT status, text FROM messages WHERE role = 'assistant' ORDER BY id DESC"
        ).fetchone()
    except sqlite3.OperationalError:  # not created yet
        return None
    finally:
        conn.close()
    return (row[0], row[1]) if row else None
