"""The whole app, as built by ``app.build``, against the loopback fake Kimi server.

Each test drives the real window the way a person would (type, press Send or
Esc, search) and checks what the window shows and what the history keeps.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialog

from kimi_desktop.domain import MessageStatus
from tests.fakes import Gate, moonshot_stream, openai_stream, provider_error
from tests.fakes.dialects import MOONSHOT_CONTENT, MOONSHOT_REASONING
from tests.loop_support import run_until
from tests.ui.app_driver import finish, last_widget, send, set_conversation_settings


def test_reply_streams_reasoning_then_answer_and_is_saved(server, make_app, qloop, qtbot) -> None:
    server.enqueue(moonshot_stream())
    parts = make_app(server)
    conversation_id = send(parts, "Explain decorators")
    finish(qloop, parts, conversation_id)

    widget = last_widget(parts)
    answer = "".join(MOONSHOT_CONTENT)
    assert widget.item.text == answer
    qtbot.waitUntil(lambda: widget.plain_text().split() == answer.split())
    panel = widget.reasoning_panel()
    assert panel.text() == "".join(MOONSHOT_REASONING)
    assert not panel.is_expanded()  # collapsed itself when the answer started
    assert panel.header_text().startswith("Thought for")
    stored = parts.history.messages(conversation_id)
    assert [m.status for m in stored] == [MessageStatus.COMPLETE, MessageStatus.COMPLETE]
    body = server.chat_requests[-1].json()
    assert body["messages"][-1] == {"role": "user", "content": "Explain decorators"}
    assert parts.window.conversation_model.rowCount() == 1


def test_stop_keeps_what_arrived(server, make_app, qloop, qtbot) -> None:
    gate = Gate()
    server.enqueue(
        openai_stream(["thinking"], ["partial ", "answer"]).stalled(gate, after_events=3)
    )
    parts = make_app(server)
    reasoning: list[str] = []
    parts.chat.reasoning_received.connect(lambda _id, delta: reasoning.append(delta))
    conversation_id = send(parts, "long one please")
    qloop.run_until_complete(asyncio.to_thread(gate.reached.wait, 10))
    run_until(qloop, lambda: "".join(reasoning) == "thinking")  # it reached the app
    parts.window.composer.stop_button.click()
    finish(qloop, parts, conversation_id)
    gate.open()

    reply = parts.history.messages(conversation_id)[-1]
    assert reply.status is MessageStatus.STOPPED
    assert reply.reasoning == "thinking"
    assert parts.window.composer.send_button.isVisibleTo(parts.window)


def test_dropped_stream_keeps_partial_text_and_offers_retry(server, make_app, qloop, qtbot) -> None:
    server.enqueue(openai_stream([], ["Half of ", "the answer", " never"]).dropped(after_events=3))
    parts = make_app(server)
    conversation_id = send(parts, "tell me")
    finish(qloop, parts, conversation_id)

    reply = parts.history.messages(conversation_id)[-1]
    assert reply.status is MessageStatus.INTERRUPTED
    assert reply.text == "Half of the answer"
    assert "dropped" in (reply.error or "")
    widget = last_widget(parts)
    assert widget.item.error_action == "retry"

    server.enqueue(openai_stream([], ["Whole answer."]))
    widget.action_requested.emit("retry", reply.id)
    finish(qloop, parts, conversation_id)
    assert parts.history.messages(conversation_id)[-1].text == "Whole answer."


def test_wrong_key_says_so_and_offers_settings(server, make_app, qloop, tmp_path) -> None:
    home = tmp_path / "home"
    server.enqueue(provider_error("moonshot", "auth"))
    parts = make_app(server, key="wrong-key-123456", home=home)
    conversation_id = send(parts, "hello")
    finish(qloop, parts, conversation_id)

    reply = parts.history.messages(conversation_id)[-1]
    assert reply.status is MessageStatus.ERROR
    assert "key was rejected" in (reply.error or "")
    assert "wrong-key-123456" not in (reply.error or "")
    assert last_widget(parts).item.error_action == "settings"

    parts.window.close()
    parts.close()
    again = make_app(server, key="wrong-key-123456", home=home)
    again.window.open_conversation(conversation_id)
    assert last_widget(again).item.error_action == "settings"  # after a restart too


def test_search_finds_an_old_chat_and_restart_keeps_everything(
    server, make_app, qloop, qtbot, tmp_path
) -> None:
    home = tmp_path / "home"
    parts = make_app(server, home=home)
    server.enqueue(openai_stream([], ["Paris is the capital of France."]))
    first = send(parts, "capital of France?")
    finish(qloop, parts, first)
    parts.window.new_conversation()
    server.enqueue(openai_stream([], ["Use asyncio.to_thread."]))
    send(parts, "blocking call in asyncio?")
    finish(qloop, parts, parts.window.presenter.conversation.id)

    parts.window.search.setText("capital")
    qtbot.waitUntil(lambda: parts.window.conversation_model.rowCount() == 1)
    index = parts.window.conversation_model.index(0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "capital of France?"

    qloop.run_until_complete(parts.chat.shutdown())
    parts.window.close()
    parts.close()
    again = make_app(server, home=home)
    titles = [c.title for c in again.history.conversations()]
    assert titles == ["blocking call in asyncio?", "capital of France?"]
    again.window.open_conversation(first)
    assert [m.text for m in again.history.messages(first)][-1] == (
        "Paris is the capital of France."
    )
    assert len(again.window.chat_view.message_ids()) == 2


def test_model_picker_lists_the_endpoint_models(server, make_app, qloop, qtbot) -> None:
    parts = make_app(server)
    qloop.run_until_complete(parts.endpoints.refresh_models(parts.endpoints.active_id))
    picker = parts.window.top_bar.model_picker
    models = [picker.itemText(i) for i in range(picker.count())]
    assert "kimi-k2.5" in models
    assert "kimi-k2-0905-preview" in models
    picker.setCurrentIndex(models.index("kimi-k2.5"))
    assert "vision" in parts.window.top_bar.capabilities.text()
    assert parts.window.top_bar.thinking_toggle.isVisibleTo(parts.window)


def test_conversation_instructions_go_first_in_every_request(server, make_app, qloop) -> None:
    parts = make_app(server)
    set_conversation_settings(parts, system_prompt="Answer in French.")
    assert parts.window.top_bar.system_prompt_button.isChecked()
    conversation_id = send(parts, "hello")
    finish(qloop, parts, conversation_id)

    messages = server.chat_requests[-1].json()["messages"]
    assert messages[0] == {"role": "system", "content": "Answer in French."}
    assert messages[-1] == {"role": "user", "content": "hello"}


def test_typing_right_after_start_goes_to_the_message(server, make_app) -> None:
    parts = make_app(server)
    assert parts.window.pages.currentWidget() is parts.window.chat_page
    assert parts.window.focusWidget() is parts.window.composer.edit


def test_keyboard_shortcuts(server, make_app, qtbot) -> None:
    parts = make_app(server)
    window = parts.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    control = Qt.KeyboardModifier.ControlModifier

    qtbot.keyClick(window.composer.edit, Qt.Key.Key_K, control)
    search = window.findChild(object, "conversationSearch")
    assert search.hasFocus()
    qtbot.keyClick(search, Qt.Key.Key_Comma, control)
    dialog = window.findChild(QDialog, "settingsDialog")
    assert dialog is not None
    assert dialog.isVisible()
    dialog.reject()
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Q, control)
    assert not window.isVisible()


def test_thinking_toggle_goes_into_the_request(server, make_app, qloop) -> None:
    parts = make_app(server)
    qloop.run_until_complete(parts.endpoints.refresh_models(parts.endpoints.active_id))
    top_bar = parts.window.top_bar
    picker = top_bar.model_picker
    picker.setCurrentIndex(picker.findText("kimi-k2.5"))
    picker.activated.emit(picker.currentIndex())

    top_bar.set_thinking(False)
    server.enqueue(openai_stream([], ["Quick answer."]))
    finish(qloop, parts, send(parts, "no thinking please"))
    assert server.chat_requests[-1].json()["thinking"] == {"type": "disabled"}

    picker.setCurrentIndex(picker.findText("kimi-k2-0905-preview"))  # a model that does not reason
    picker.activated.emit(picker.currentIndex())
    assert not top_bar.thinking_toggle.isVisibleTo(parts.window)
    server.enqueue(openai_stream([], ["Another."]))
    finish(qloop, parts, send(parts, "and now?"))
    assert "thinking" not in server.chat_requests[-1].json()


def test_esc_in_the_search_box_clears_it_and_leaves_the_reply_streaming(
    server, make_app, qloop, qtbot
) -> None:
    gate = Gate()
    server.enqueue(openai_stream([], ["partial ", "answer"]).stalled(gate, after_events=2))
    parts = make_app(server)
    window = parts.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    conversation_id = send(parts, "long one please")
    qloop.run_until_complete(asyncio.to_thread(gate.reached.wait, 10))
    window.search.setFocus()
    qtbot.keyClicks(window.search, "capital")

    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert parts.chat.is_running(conversation_id)
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)  # nothing left to clear: stops
    finish(qloop, parts, conversation_id)
    gate.open()
    assert parts.history.messages(conversation_id)[-1].status is MessageStatus.STOPPED


def test_editing_the_last_prompt_can_be_cancelled_and_the_draft_comes_back(
    server, make_app, qloop, qtbot
) -> None:
    server.enqueue(openai_stream([], ["First answer."]))
    parts = make_app(server)
    window = parts.window
    conversation_id = send(parts, "first prompt")
    finish(qloop, parts, conversation_id)
    window.composer.set_text("a draft in progress")
    prompt = parts.history.messages(conversation_id)[0]

    window.chat_view.message_widget(prompt.id).action_requested.emit("edit", prompt.id)
    assert window.composer.text() == "first prompt"
    assert window.composer.notice_action.text() == "Cancel"
    window.composer.notice_action.click()
    assert window.composer.text() == "a draft in progress"
    assert not window.composer.notice.isVisibleTo(window)

    window.composer.set_text("second prompt")
    server.enqueue(openai_stream([], ["Second answer."]))
    finish(qloop, parts, send(parts, "second prompt"))
    assert [m.text for m in parts.history.messages(conversation_id)] == [
        "first prompt",
        "First answer.",
        "second prompt",
        "Second answer.",
    ]  # a plain send after the cancel: the first prompt was not replaced


def test_the_window_follows_the_desktop_into_dark_and_back(
    server, make_app, qapp, monkeypatch
) -> None:
    parts = make_app(server)  # the theme preference is "system" by default
    desktop_dark = False
    monkeypatch.setattr("kimi_desktop.ui.shell.style.system_prefers_dark", lambda: desktop_dark)
    base = QPalette.ColorRole.Base

    for desktop_dark in (True, False):
        qapp.styleHints().colorSchemeChanged.emit(
            Qt.ColorScheme.Dark if desktop_dark else Qt.ColorScheme.Light
        )
        assert (qapp.palette().color(base).lightness() < 128) is desktop_dark
        assert parts.window.chat_view.is_dark() is desktop_dark


def test_a_rate_limit_says_in_the_reply_when_it_is_retried(server, make_app, qloop) -> None:
    server.enqueue(provider_error("moonshot", "rate_limit", retry_after=0))
    server.enqueue(openai_stream([], ["Back again."]))
    parts = make_app(server)
    seen: list[str] = []
    parts.chat.retry_scheduled.connect(
        lambda _id, _text: seen.append(last_widget(parts).status_text())
    )
    conversation_id = send(parts, "hello")
    finish(qloop, parts, conversation_id)

    assert len(seen) == 1
    assert seen[0].startswith("The endpoint is busy")
    assert "retrying in" in seen[0]
    widget = last_widget(parts)
    assert widget.item.text == "Back again."
    assert widget.status_text() == ""


def test_a_chat_reopened_mid_reply_shows_all_that_arrived(server, make_app, qloop, qtbot) -> None:
    gate = Gate()
    pieces = ["One, ", "two, ", "three, ", "four."]
    server.enqueue(openai_stream([], pieces).stalled(gate, after_events=3))
    parts = make_app(server)
    window = parts.window
    conversation_id = send(parts, "count to four")
    qloop.run_until_complete(asyncio.to_thread(gate.reached.wait, 10))
    run_until(qloop, lambda: last_widget(parts).plain_text() == "One, two,")
    # The row was saved with the first delta and is next saved a second later:
    # reopening must not start from it.

    window.new_conversation()
    window.open_conversation(conversation_id)
    assert last_widget(parts).plain_text() == "One, two,"
    gate.open()
    finish(qloop, parts, conversation_id)
    qtbot.waitUntil(lambda: last_widget(parts).plain_text() == "One, two, three, four.")
