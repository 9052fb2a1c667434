"""Quitting always works: a settings folder that cannot be written never keeps the app open.

Saving the window's geometry is the last thing the window does; when that
write fails (a read-only or full config folder), closing the window and
SIGTERM must still quit, and a reply in progress must still be saved as stopped.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kimi_desktop.app import build
from kimi_desktop.domain import MessageStatus
from kimi_desktop.settings.store import SettingsStore
from tests.e2e.processes import app_environment, last_reply, wait_for
from tests.fakes import FakeKimiServer, Gate, openai_stream
from tests.loop_support import run_until
from tests.ui.app_driver import send, shut_down

_UNWRITABLE_CONFIG_MAIN = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from kimi_desktop.app import main
    from kimi_desktop.settings.store import SettingsStore
    from kimi_desktop.ui.shell.main_window import MainWindow

    def unwritable(self, geometry):
        raise PermissionError(13, "Permission denied", "state.json")

    SettingsStore.set_window_geometry = unwritable
    app = QApplication([])

    def send():
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        window.composer.set_text("Tell me a long story")
        window.composer.send_button.click()

    QTimer.singleShot(0, send)
    sys.exit(main([]))
    """
)


def _stalled_story(server: FakeKimiServer, gate: Gate) -> None:
    server.enqueue(
        openai_stream([], ["Once upon a time", ", a fox", " never finished"]).stalled(
            gate, after_events=3
        )
    )


def test_closing_the_window_works_when_the_geometry_cannot_be_saved(
    tmp_path: Path, qapp, qloop, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unwritable(_self: SettingsStore, _geometry: str | None) -> None:
        raise PermissionError(13, "Permission denied", "state.json")

    monkeypatch.setattr(SettingsStore, "set_window_geometry", unwritable)
    gate = Gate()
    with FakeKimiServer("moonshot") as server:
        _stalled_story(server, gate)
        parts = build(
            qapp,
            environ={
                "KIMI_DESKTOP_HOME": str(tmp_path / "home"),
                "KIMI_BASE_URL": server.base_url,
                "KIMI_API_KEY": server.api_key,
            },
        )
        try:
            parts.window.show()
            conversation_id = send(parts, "Tell me a long story")
            reply_id = parts.history.messages(conversation_id)[-1].id
            run_until(
                qloop,
                lambda: (parts.chat.live_text(reply_id) or ("", ""))[0].startswith("Once"),
            )
            assert parts.window.close()  # the geometry cannot be saved: closes anyway
            assert not parts.window.isVisible()
        finally:
            gate.open()
            shut_down(qloop, parts)

    with_reply = sqlite3.connect(tmp_path / "home" / "data" / "history.sqlite3")
    try:
        status, text = with_reply.execute(
            "SELECT status, text FROM messages WHERE conversation_id = ? AND role = 'assistant'",
            (conversation_id,),
        ).fetchone()
    finally:
        with_reply.close()
    assert status == MessageStatus.STOPPED.value
    assert text.startswith("Once upon a time")


@pytest.mark.slow
def test_sigterm_quits_when_the_geometry_cannot_be_saved(tmp_path: Path) -> None:
    home = tmp_path / "home"
    database = home / "data" / "history.sqlite3"
    gate = Gate()
    with FakeKimiServer("moonshot") as server:
        _stalled_story(server, gate)
        env = app_environment(home, KIMI_BASE_URL=server.base_url, KIMI_API_KEY=server.api_key)
        process = subprocess.Popen([sys.executable, "-c", _UNWRITABLE_CONFIG_MAIN], env=env)
        try:
            assert gate.reached.wait(30), "the app never asked for a reply"
            wait_for(lambda: (last_reply(database) or ("", ""))[1] != "")
            process.send_signal(signal.SIGTERM)
            assert process.wait(20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            gate.open()

    status, text = last_reply(database) or ("", "")
    assert status == "stopped"
    assert text.startswith("Once upon a time")
