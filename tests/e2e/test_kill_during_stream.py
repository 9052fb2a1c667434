"""A real app process ended mid-reply: the next start shows the partial reply.

SIGKILL gives the app no say: the reply is found ``streaming`` and marked
interrupted. SIGTERM (a logout, ``kill``) closes the window as a click would.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kimi_desktop.app import build
from kimi_desktop.domain import MessageAction, MessageStatus
from kimi_desktop.ui.chat.message_parts import ErrorNotice
from tests.e2e.processes import STREAMING_MAIN, app_environment, last_reply, wait_for
from tests.fakes import FakeKimiServer, Gate, openai_stream
from tests.ui.app_driver import shut_down

_APP_SCRIPT = textwrap.dedent(
    """
    import asyncio
    from PySide6.QtWidgets import QApplication
    from kimi_desktop.ui.runtime.event_loop import AppEventLoop
    from kimi_desktop.app import build

    app = QApplication([])
    loop = AppEventLoop(app)
    asyncio.set_event_loop(loop)
    parts = build(app)
    parts.window.show()
    parts.window.composer.set_text("Tell me a long story")
    parts.window.composer.send_button.click()
    with loop:
        loop.run_forever()
    """
)


def _saved_partial(database: Path) -> bool:
    reply = last_reply(database)
    return reply is not None and reply[0] == "streaming" and reply[1] != ""


@pytest.mark.slow
def test_reply_survives_sigkill_marked_interrupted(tmp_path, qapp, qloop) -> None:
    home = tmp_path / "home"
    gate = Gate()
    with FakeKimiServer("moonshot") as server:
        server.enqueue(
            openai_stream([], ["Once upon a time", ", a fox", " never finished"]).stalled(
                gate, after_events=3
            )
        )
        env = app_environment(home, KIMI_BASE_URL=server.base_url, KIMI_API_KEY=server.api_key)
        process = subprocess.Popen([sys.executable, "-c", _APP_SCRIPT], env=env)
        try:
            assert gate.reached.wait(30), "the app never asked for a reply"
            wait_for(lambda: _saved_partial(home / "data" / "history.sqlite3"), timeout=20)
            process.send_signal(signal.SIGKILL)
            assert process.wait(10) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
            gate.open()

        parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(home)})
        try:
            conversation = parts.history.conversations()[0]
            reply = parts.history.messages(conversation.id)[-1]
            assert reply.status is MessageStatus.INTERRUPTED
            assert reply.text.startswith("Once upon a time")
            parts.window.open_conversation(conversation.id)
            widget = parts.window.chat_view.message_widget(reply.id)
            assert widget is not None
            assert widget.item.error_action is MessageAction.RETRY
            notice = widget.findChild(ErrorNotice)
            assert notice is not None
            assert notice.isVisibleTo(widget)
            assert "closed before this reply finished" in notice.label.text()
            assert notice.button.text() == "Retry"
        finally:
            shut_down(qloop, parts)


@pytest.mark.slow
def test_sigterm_closes_the_window_and_keeps_the_reply_as_stopped(tmp_path) -> None:
    home = tmp_path / "home"
    database = home / "data" / "history.sqlite3"
    gate = Gate()
    with FakeKimiServer("moonshot") as server:
        server.enqueue(
            openai_stream([], ["Once upon a time", ", a fox", " never finished"]).stalled(
                gate, after_events=3
            )
        )
        env = app_environment(home, KIMI_BASE_URL=server.base_url, KIMI_API_KEY=server.api_key)
        process = subprocess.Popen([sys.executable, "-c", STREAMING_MAIN], env=env)
        try:
            assert gate.reached.wait(30), "the app never asked for a reply"
            wait_for(lambda: _saved_partial(database), timeout=20)
            process.send_signal(signal.SIGTERM)
            assert process.wait(20) == 0
        finally:
            if process.poll() is None:
                process.kill()
            gate.open()

    status, text = last_reply(database) or ("", "")
    assert status == "stopped"
    assert text.startswith("Once upon a time")
    assert json.loads((home / "config" / "state.json").read_text())["window_geometry"]
