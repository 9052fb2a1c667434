"""An API key never reaches a file, a log line or an error text.

A whole session with one key: typed in Settings, tested, used to chat, then
refused with a 401 whose body echoes the key back (as Moonshot's does). After
it, every file under ``KIMI_DESKTOP_HOME``, every log record, everything the
window shows and every error raised is searched for the key.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import traceback

import keyring
import pytest
import shiboken6
from keyring.backends import fail
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox

from kimi_desktop.api import ApiError
from kimi_desktop.app import AppParts, build
from kimi_desktop.domain import MessageStatus
from kimi_desktop.ui.icons import Status
from kimi_desktop.ui.settings.dialog import SettingsDialog
from tests.fakes import FakeKimiServer, openai_stream
from tests.loop_support import run_until, settle

TOKEN = secrets.token_hex(12)
KEY = f"sk-leak-{TOKEN}"


def leaks(text: str) -> bool:
    return KEY in text or TOKEN in text or TOKEN[:8] in text


def send(parts: AppParts, loop: asyncio.AbstractEventLoop, text: str) -> int:
    parts.window.composer.set_text(text)
    parts.window.composer.send_button.click()
    conversation = parts.window.presenter.conversation
    assert conversation is not None
    task = parts.chat.reply_task(conversation.id)
    if task is not None:
        loop.run_until_complete(asyncio.wait([task], timeout=20))
    return conversation.id


def shown_texts(parts: AppParts) -> list[str]:
    """Everything the windows show in labels, notices, tool tips and the status bar."""
    texts = [parts.window.statusBar().currentMessage(), parts.window.composer.notice.text()]
    for window in (parts.window, *parts.window.findChildren(SettingsDialog)):
        texts += [label.text() for label in window.findChildren(QLabel)]
        texts += [box.text() for box in window.findChildren(QMessageBox)]
    return texts


@pytest.fixture(params=["keyring", "no keyring"])
def keyring_kind(request) -> str:
    if request.param == "no keyring":
        keyring.set_keyring(fail.Keyring())
    return request.param


def test_a_key_used_all_session_leaks_nowhere(keyring_kind, qapp, qloop, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    home = tmp_path / "home"
    raised: list[BaseException] = []
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(home)})
        parts.window.show()
        try:
            # Settings: a custom endpoint for the server, the key typed, tested, saved.
            parts.window.settings_requested.emit()
            dialog = next(d for d in parts.window.findChildren(SettingsDialog) if d.isVisible())
            dialog.add_menu.actions()[-1].trigger()  # Custom server…
            dialog.name_edit.setText("Loopback")
            dialog.name_edit.textEdited.emit("Loopback")
            dialog.url_edit.setText(server.base_url)
            dialog.url_edit.textEdited.emit(server.base_url)
            dialog.key_required.setChecked(True)
            dialog.key_edit.setText(KEY)
            dialog.key_edit.textEdited.emit(KEY)
            endpoint_id = dialog._current_profile().id
            dialog.test_button.click()
            run_until(qloop, lambda: dialog.test_result.status is Status.OK)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

            # Chat with it.
            parts.endpoints.set_active(endpoint_id)
            settle(qloop)
            server.enqueue(openai_stream(["thinking"], ["Fine, thanks."]))
            conversation_id = send(parts, qloop, "How are you?")
            assert parts.history.messages(conversation_id)[-1].status is MessageStatus.COMPLETE

            # The server stops accepting the key; its 401 bodies echo the key back.
            server.api_key = "sk-some-other-key-entirely"
            send(parts, qloop, "Still there?")
            reply = parts.history.messages(conversation_id)[-1]
            assert reply.status is MessageStatus.ERROR
            assert "key was rejected" in (reply.error or "")
            qloop.run_until_complete(parts.window.presenter.endpoint_presenter.refresh_models())
            assert parts.window.statusBar().currentMessage().startswith("Models: ")
            parts.window.settings_requested.emit()
            again = next(d for d in parts.window.findChildren(SettingsDialog) if d.isVisible())
            again._fill_list(select=endpoint_id)
            again.test_button.click()
            run_until(qloop, lambda: again.test_result.status is Status.ERROR)

            async def list_models() -> None:
                async with parts.endpoints.open_client(endpoint_id) as client:
                    await client.list_models()

            with pytest.raises(ApiError) as caught:
                qloop.run_until_complete(list_models())
            raised.append(caught.value)

            texts = shown_texts(parts)
            texts += [str(m.error) for m in parts.history.messages(conversation_id)]
            texts += [repr(parts.endpoints), repr(parts.settings), repr(parts.window)]
            again.reject()
        finally:
            settle(qloop)
            qloop.run_until_complete(parts.chat.shutdown())
            parts.window.close()
            parts.close()
            shiboken6.delete(parts.window)  # on the GUI thread, not by a late GC

    # The 401s really carried the key (so the checks below mean something).
    echoed = [r for r in server.requests if r.headers.get("authorization") == f"Bearer {KEY}"]
    assert len(echoed) >= 4
    for exc in raised:
        for text in (
            str(exc),
            repr(exc),
            exc.detail or "",
            "".join(traceback.format_exception(exc)),
        ):
            assert not leaks(text)
    assert "[redacted]" in (raised[0].detail or "")
    for text in texts:
        assert not leaks(text), text
    for record in caplog.records:
        assert not leaks(record.getMessage())
    assert not leaks(caplog.text)
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "history.sqlite3" for p in files)
    for path in files:
        data = path.read_bytes()
        assert KEY.encode() not in data, path
        assert TOKEN.encode() not in data, path
        assert KEY.encode("utf-16-le") not in data, path
    if keyring_kind == "keyring":
        assert keyring.get_keyring().entries == {("kimi-desktop", endpoint_id): KEY}
