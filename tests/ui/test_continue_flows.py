"""The whole app against the loopback server: a reply the output budget cut short says
so and offers Continue and "Larger budget"; Continue finishes it in the same message,
and a restart shows it whole."""

from __future__ import annotations

from kimi_desktop.domain import MessageStatus
from tests.fakes import Gate, error_reply, openai_stream
from tests.loop_support import run_until
from tests.ui.app_driver import (
    finish,
    last_widget,
    notice_button,
    send,
    set_conversation_settings,
)

OUT_OF_ROOM = "The model ran out of room while thinking."
CUT = "The reply was cut at the output budget."


def test_continue_finishes_a_cut_reply_in_place_and_a_restart_shows_it_whole(
    server, make_app, qloop, qtbot, tmp_path
) -> None:
    home = tmp_path / "home"
    parts = make_app(server, home=home)
    set_conversation_settings(parts, max_tokens=1_024)
    server.enqueue(openai_stream(["Outline first."], ["The fox ran "], finish_reason="length"))
    conversation_id = send(parts, "Tell me about the fox")
    finish(qloop, parts, conversation_id)
    assert server.chat_requests[-1].json()["max_tokens"] == 1_024

    widget = last_widget(parts)
    cut_id = widget.message_id
    qtbot.waitUntil(lambda: widget.notice().label.text() == CUT)
    assert widget.plain_text().strip() == "The fox ran"
    continue_button = notice_button(widget, "continueButton")
    assert continue_button is not None
    assert notice_button(widget, "largerBudgetButton") is not None

    server.enqueue(openai_stream([], ["into the woods."]))
    continue_button.click()
    finish(qloop, parts, conversation_id)

    body = server.chat_requests[-1].json()
    assert body["messages"][-1] == {
        "role": "assistant",
        "content": "The fox ran ",
        "reasoning_content": "Outline first.",
        "partial": True,
    }
    assert parts.window.chat_view.message_ids()[-1] == cut_id  # the same message
    widget = last_widget(parts)
    qtbot.waitUntil(lambda: widget.plain_text().strip() == "The fox ran into the woods.")
    assert not widget.notice().isVisibleTo(widget)
    assert widget.status_text() == ""

    qloop.run_until_complete(parts.chat.shutdown())
    parts.window.close()
    parts.close()
    again = make_app(server, home=home)
    again.window.open_conversation(conversation_id)
    reply = again.history.messages(conversation_id)[-1]
    assert (reply.id, reply.status) == (cut_id, MessageStatus.COMPLETE)
    assert reply.text == "The fox ran into the woods."
    restored = last_widget(again)
    qtbot.waitUntil(lambda: restored.plain_text().strip() == "The fox ran into the woods.")


def test_a_reply_cut_while_thinking_offers_a_larger_budget(server, make_app, qloop, qtbot) -> None:
    parts = make_app(server)
    server.enqueue(openai_stream(["Thinking hard ", "about it"], [], finish_reason="length"))
    conversation_id = send(parts, "A hard question")
    finish(qloop, parts, conversation_id)
    widget = last_widget(parts)
    qtbot.waitUntil(lambda: widget.notice().label.text() == OUT_OF_ROOM)
    assert not widget.notice().quiet
    larger = notice_button(widget, "largerBudgetButton")
    assert larger is not None
    first = server.chat_requests[-1].json()["max_tokens"]

    server.enqueue(openai_stream(["Thinking"], ["Here it is."]))
    larger.click()
    finish(qloop, parts, conversation_id)

    assert server.chat_requests[-1].json()["max_tokens"] == 2 * first
    assert parts.window.presenter.conversation.max_tokens == 2 * first
    replies = [m for m in parts.history.messages(conversation_id) if m.role == "assistant"]
    assert [m.text for m in replies] == ["Here it is."]  # asked again, in place of the cut one
    run_until(qloop, lambda: last_widget(parts).plain_text().strip() == "Here it is.")


def test_an_endpoint_that_cannot_continue_says_so_and_offers_regenerate(
    server, make_app, qloop, qtbot
) -> None:
    parts = make_app(server)
    server.enqueue(openai_stream([], ["Half"], finish_reason="length"))
    conversation_id = send(parts, "go")
    finish(qloop, parts, conversation_id)
    widget = last_widget(parts)
    button = notice_button(widget, "continueButton")
    assert button is not None
    server.enqueue(
        error_reply(400, {"error": {"message": "partial is not supported", "type": "bad"}})
    )
    button.click()
    finish(qloop, parts, conversation_id)

    widget = last_widget(parts)
    sentence = "This endpoint cannot continue a reply; regenerate instead."
    qtbot.waitUntil(lambda: widget.notice().label.text() == sentence)
    regenerate = notice_button(widget, "errorActionButton")
    assert regenerate is not None
    assert regenerate.text() == "Regenerate"
    assert notice_button(widget, "continueButton") is None

    server.enqueue(openai_stream([], ["A whole new answer."]))
    regenerate.click()
    finish(qloop, parts, conversation_id)
    assert parts.history.messages(conversation_id)[-1].text == "A whole new answer."


def test_a_stopped_reply_can_be_continued_after_a_restart(
    server, make_app, qloop, qtbot, tmp_path
) -> None:
    home = tmp_path / "home"
    parts = make_app(server, home=home)
    gate = Gate()
    server.enqueue(openai_stream([], ["Kept part", " never sent"]).stalled(gate, after_events=2))
    arrived: list[str] = []
    parts.chat.content_received.connect(lambda _id, text: arrived.append(text))
    conversation_id = send(parts, "go")
    run_until(qloop, lambda: "".join(arrived) == "Kept part")
    parts.window.composer.stop_button.click()
    finish(qloop, parts, conversation_id)
    gate.open()
    qloop.run_until_complete(parts.chat.shutdown())
    parts.window.close()
    parts.close()

    again = make_app(server, home=home)
    again.window.open_conversation(conversation_id)
    widget = last_widget(again)
    assert widget.status_text() == "Stopped"
    qtbot.waitUntil(lambda: notice_button(widget, "continueButton") is not None)
    server.enqueue(openai_stream([], [" and the rest."]))
    notice_button(widget, "continueButton").click()
    finish(qloop, again, conversation_id)
    reply = again.history.messages(conversation_id)[-1]
    assert (reply.status, reply.text) == (MessageStatus.COMPLETE, "Kept part and the rest.")
