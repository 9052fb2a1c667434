"""Search in the real window: Ctrl+K, type, Down, Enter opens the chat at the message."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.fakes import openai_stream
from tests.loop_support import run_until
from tests.ui.app_driver import finish, send


def test_ctrl_k_type_down_enter_opens_the_chat_at_its_message(
    server, make_app, qloop, qtbot
) -> None:
    parts = make_app(server)
    window = parts.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    chats = {}
    for prompt in ("Rust lifetimes", "Qt layouts"):
        window.new_conversation()
        server.enqueue(openai_stream([], [f"An answer about {prompt}."]))
        chats[prompt] = send(parts, prompt)
        finish(qloop, parts, chats[prompt])
    opened: list[tuple[int, int]] = []
    window.sidebar.search_result_opened.connect(lambda c, m: opened.append((c, m)))
    assert window.presenter.conversation.id == chats["Qt layouts"]

    qtbot.keyClick(window.composer.edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "answer rust")
    model = window.conversation_model
    run_until(qloop, lambda: model.searching and model.rowCount() == 1)
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.conversation_list.hasFocus()
    qtbot.keyClick(window.conversation_list, Qt.Key.Key_Return)

    rust = chats["Rust lifetimes"]
    assert window.presenter.conversation.id == rust
    reply = next(m for m in parts.history.messages(rust) if m.role == "assistant")
    assert opened == [(rust, reply.id)]
    assert window.composer.edit.hasFocus()  # ready to write in the chat just opened
    assert window.search.text() == "answer rust"  # the results stay until Esc

    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert model.rowCount() == 2
