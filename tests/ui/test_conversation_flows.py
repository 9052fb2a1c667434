"""The conversation list as a person uses it: order, pin, rename, delete and undo."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QInputDialog, QPushButton

from tests.fakes import openai_stream
from tests.loop_support import run_until
from tests.ui.app_driver import finish, send


def titles(parts) -> list[str]:
    model = parts.window.conversation_model
    return [model.index(row).data(Qt.ItemDataRole.DisplayRole) for row in range(model.rowCount())]


def two_chats(server, make_app, qloop):
    parts = make_app(server)
    parts.window.activateWindow()
    for prompt in ("first chat", "second chat"):
        parts.window.new_conversation()
        server.enqueue(openai_stream([], [f"answer to {prompt}"]))
        finish(qloop, parts, send(parts, prompt))
    return parts


def test_a_chat_written_in_moves_to_the_top(server, make_app, qloop) -> None:
    parts = two_chats(server, make_app, qloop)
    assert titles(parts) == ["second chat", "first chat"]
    first = next(c.id for c in parts.history.conversations() if c.title == "first chat")

    parts.window.open_conversation(first)
    server.enqueue(openai_stream([], ["more"]))
    send(parts, "one more thing")
    assert titles(parts) == ["first chat", "second chat"]  # as soon as it is sent
    finish(qloop, parts, first)


def test_pinned_chats_stay_first(server, make_app, qloop) -> None:
    parts = two_chats(server, make_app, qloop)
    first = next(c.id for c in parts.history.conversations() if c.title == "first chat")

    parts.window.conversation_list.pin_requested.emit(first, True)
    assert titles(parts) == ["first chat", "second chat"]
    parts.window.new_conversation()
    server.enqueue(openai_stream([], ["hi"]))
    finish(qloop, parts, send(parts, "third chat"))
    assert titles(parts) == ["first chat", "third chat", "second chat"]


def test_f2_renames_the_selected_chat(server, make_app, qloop, qtbot, monkeypatch) -> None:
    parts = two_chats(server, make_app, qloop)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Trip plans", True))
    conversation_list = parts.window.conversation_list
    conversation_list.setCurrentIndex(parts.window.conversation_model.index(1))
    conversation_list.setFocus()
    qtbot.waitUntil(conversation_list.hasFocus)

    qtbot.keyClick(conversation_list, Qt.Key.Key_F2)
    assert titles(parts) == ["second chat", "Trip plans"]


def undo_buttons(parts) -> list[QPushButton]:
    return [
        b
        for b in parts.window.statusBar().findChildren(QPushButton, "undoButton")
        if b.isVisibleTo(parts.window)
    ]


def test_delete_then_undo_brings_the_chat_back(server, make_app, qloop, qtbot) -> None:
    parts = two_chats(server, make_app, qloop)
    conversation_list = parts.window.conversation_list
    conversation_list.setCurrentIndex(parts.window.conversation_model.index(0))
    conversation_list.setFocus()
    qtbot.waitUntil(conversation_list.hasFocus)

    qtbot.keyClick(conversation_list, Qt.Key.Key_Delete)
    assert titles(parts) == ["first chat"]
    assert "“second chat” deleted" in parts.window.statusBar().currentMessage()
    conversation_list.setCurrentIndex(parts.window.conversation_model.index(0))
    conversation_list.setFocus()
    qtbot.keyClick(conversation_list, Qt.Key.Key_Delete)
    assert titles(parts) == []
    (undo,) = undo_buttons(parts)  # one offer, for the latest deletion

    undo.click()
    assert titles(parts) == ["first chat"]
    assert undo_buttons(parts) == []


def test_each_chat_keeps_its_own_settings(server, make_app, qloop) -> None:
    parts = two_chats(server, make_app, qloop)
    first, second = sorted(c.id for c in parts.history.conversations())
    parts.window.open_conversation(first)
    dialog = parts.window.edit_conversation_settings()
    assert dialog.windowTitle() == "Conversation settings"
    assert dialog.budget.value() == dialog.budget.minimum()  # the default budget
    assert dialog.budget.specialValueText() == f"Default ({QLocale().toString(32_768)})"
    assert dialog.budget.accessibleName()
    assert dialog.system_prompt.accessibleName()
    dialog.system_prompt.setPlainText("Answer in haiku.")
    dialog.budget.setValue(8_192)
    dialog.accept()

    parts.window.open_conversation(second)
    dialog = parts.window.edit_conversation_settings()
    assert (dialog.system_prompt.toPlainText(), dialog.max_tokens()) == ("", None)
    dialog.reject()
    server.enqueue(openai_stream([], ["fine"]))
    finish(qloop, parts, send(parts, "in the second chat"))
    assert server.chat_requests[-1].json()["max_tokens"] == 32_768

    parts.window.open_conversation(first)
    dialog = parts.window.edit_conversation_settings()
    assert (dialog.system_prompt.toPlainText(), dialog.max_tokens()) == ("Answer in haiku.", 8_192)
    dialog.reject()
    server.enqueue(openai_stream([], ["Autumn wind"]))
    finish(qloop, parts, send(parts, "in the first chat"))
    body = server.chat_requests[-1].json()
    assert body["max_tokens"] == 8_192
    assert body["messages"][0] == {"role": "system", "content": "Answer in haiku."}


def test_a_search_result_opens_its_chat_at_the_message_that_matched(
    server, make_app, qloop, qtbot
) -> None:
    parts = make_app(server)
    window = parts.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    padding = "A paragraph that makes the reply long enough to scroll. " * 12
    for turn in range(8):
        word = "zanzibar" if turn == 1 else "nothing"
        server.enqueue(openai_stream([], [f"Reply {turn} mentions {word}.\n\n{padding}"]))
        finish(qloop, parts, send(parts, f"Question {turn}"))
    chat = window.presenter.conversation.id
    match = next(m for m in parts.history.messages(chat) if "zanzibar" in m.text)
    window.new_conversation()

    window.search.setFocus()
    qtbot.keyClicks(window.search, "zanzibar")
    model = window.conversation_model
    run_until(qloop, lambda: model.searching and model.rowCount() == 1)
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    qtbot.keyClick(window.conversation_list, Qt.Key.Key_Return)

    view = window.chat_view
    assert window.presenter.conversation.id == chat
    assert not view.is_following()
    assert view.highlighted_ids() == [match.id]
    widget = view.message_widget(match.id)
    assert widget is not None
    qtbot.waitUntil(lambda: widget.geometry().top() == view.viewport().height() // 4)
