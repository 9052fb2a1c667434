"""The whole app against the loopback server: Regenerate keeps the earlier answers as
versions, < 2/3 > switches between them and the next prompt builds on the one shown;
editing an earlier prompt starts a branch from there; all of it survives a restart."""

from __future__ import annotations

from kimi_desktop.app import AppParts
from kimi_desktop.domain import MessageAction
from kimi_desktop.ui.chat.message_widget import MessageWidget
from tests.fakes import openai_stream
from tests.ui.app_driver import finish, last_widget, send


def _widget(parts: AppParts, message_id: int) -> MessageWidget:
    widget = parts.window.chat_view.message_widget(message_id)
    assert widget is not None
    return widget


def _texts(parts: AppParts) -> list[str]:
    presenter = parts.window.presenter
    return [message.text for message in presenter.messages()]


def _sent(server) -> list[tuple[str, str]]:
    """The dialogue of the last request: (role, text) of each message."""
    return [(m["role"], m["content"]) for m in server.chat_requests[-1].json()["messages"]]


def _answer(server, qloop, parts: AppParts, conversation_id: int, text: str) -> None:
    server.enqueue(openai_stream([], [text]))
    last_widget(parts).button(MessageAction.REGENERATE).click()
    finish(qloop, parts, conversation_id)


def test_regenerated_answers_are_versions_to_switch_between_and_build_on(
    server, make_app, qloop, qtbot, tmp_path
) -> None:
    home = tmp_path / "home"
    parts = make_app(server, home=home)
    server.enqueue(openai_stream([], ["First answer."]))
    conversation_id = send(parts, "Name a colour")
    finish(qloop, parts, conversation_id)
    _answer(server, qloop, parts, conversation_id, "Second answer.")
    _answer(server, qloop, parts, conversation_id, "Third answer.")
    # Each answer again was asked for with the same history: the prompt alone.
    assert _sent(server) == [("user", "Name a colour")]
    assert _texts(parts) == ["Name a colour", "Third answer."]

    reply = last_widget(parts)
    switcher = reply.version_switcher()
    assert switcher is not None
    assert switcher.text() == "3/3"
    previous = switcher.button(MessageAction.PREVIOUS_VERSION)
    assert previous.toolTip() == "Previous version"
    assert previous.focusPolicy() & previous.focusPolicy().TabFocus
    assert not switcher.button(MessageAction.NEXT_VERSION).isEnabled()

    previous.click()
    assert _texts(parts) == ["Name a colour", "Second answer."]
    reply = last_widget(parts)
    qtbot.waitUntil(lambda: reply.plain_text().strip() == "Second answer.")
    switcher = reply.version_switcher()
    assert switcher is not None
    assert switcher.text() == "2/3"

    # The next prompt goes on from the answer shown.
    server.enqueue(openai_stream([], ["Green and blue."]))
    send(parts, "Mix it with blue")
    finish(qloop, parts, conversation_id)
    assert _sent(server) == [
        ("user", "Name a colour"),
        ("assistant", "Second answer."),
        ("user", "Mix it with blue"),
    ]

    # A restart shows the same branch, its versions still there.
    qloop.run_until_complete(parts.chat.shutdown())
    parts.window.close()
    parts.close()
    again = make_app(server, home=home)
    again.window.open_conversation(conversation_id)
    assert _texts(again) == [
        "Name a colour",
        "Second answer.",
        "Mix it with blue",
        "Green and blue.",
    ]
    [_prompt, answer_id, *_rest] = again.window.chat_view.message_ids()
    switcher = _widget(again, answer_id).version_switcher()
    assert switcher is not None
    assert switcher.text() == "2/3"
    switcher.button(MessageAction.NEXT_VERSION).click()
    assert _texts(again) == ["Name a colour", "Third answer."]


def test_editing_an_earlier_prompt_branches_from_there_and_keeps_the_old_branch(
    server, make_app, qloop, qtbot
) -> None:
    parts = make_app(server)
    for prompt, answer in (("One", "Answer one."), ("Two", "Answer two."), ("Three", "3.")):
        server.enqueue(openai_stream([], [answer]))
        conversation_id = send(parts, prompt)
        finish(qloop, parts, conversation_id)
    second_prompt = parts.window.chat_view.message_ids()[2]
    edit = _widget(parts, second_prompt).button(MessageAction.EDIT)
    assert edit.isVisibleTo(_widget(parts, second_prompt))  # not only on the last prompt
    edit.click()
    assert parts.window.composer.text() == "Two"

    server.enqueue(openai_stream([], ["Answer to two, edited."]))
    send(parts, "Two, edited")
    finish(qloop, parts, conversation_id)
    # The request holds the history up to the edited prompt's parent, then the new text.
    assert _sent(server) == [
        ("user", "One"),
        ("assistant", "Answer one."),
        ("user", "Two, edited"),
    ]
    assert _texts(parts) == ["One", "Answer one.", "Two, edited", "Answer to two, edited."]
    edited = parts.window.chat_view.message_ids()[2]
    switcher = _widget(parts, edited).version_switcher()
    assert switcher is not None
    assert switcher.text() == "2/2"

    # The old branch comes back whole, its later turns intact.
    switcher.button(MessageAction.PREVIOUS_VERSION).click()
    assert _texts(parts) == ["One", "Answer one.", "Two", "Answer two.", "Three", "3."]
    switcher = _widget(parts, second_prompt).version_switcher()
    assert switcher is not None
    assert switcher.text() == "1/2"


def test_a_streaming_reply_blocks_switching(server, make_app, qloop, qtbot) -> None:
    parts = make_app(server)
    server.enqueue(openai_stream([], ["First."]))
    conversation_id = send(parts, "Hello")
    finish(qloop, parts, conversation_id)
    _answer(server, qloop, parts, conversation_id, "Second.")
    reply_id = parts.window.chat_view.message_ids()[-1]

    server.enqueue(openai_stream([], ["Third."]))
    send(parts, "And now?")
    assert parts.chat.is_running(conversation_id)
    switcher = _widget(parts, reply_id).version_switcher()
    assert switcher is not None
    assert not switcher.button(MessageAction.PREVIOUS_VERSION).isEnabled()
    parts.window.presenter.switch_version(reply_id, -1)  # refused while it streams
    assert _texts(parts)[:2] == ["Hello", "Second."]
    finish(qloop, parts, conversation_id)
    assert switcher.button(MessageAction.PREVIOUS_VERSION).isEnabled()


def test_a_search_result_in_a_branch_not_shown_opens_that_branch(server, make_app, qloop) -> None:
    parts = make_app(server)
    server.enqueue(openai_stream([], ["Owls hunt at night."]))
    conversation_id = send(parts, "Tell me about owls")
    finish(qloop, parts, conversation_id)
    _answer(server, qloop, parts, conversation_id, "Owls are birds.")

    [hit] = [h for h in parts.history.search("hunt at night") if h.message_id]
    view = parts.window.chat_view
    assert hit.message_id not in view.message_ids()  # found, though not shown
    assert parts.window.presenter.show_message(hit.message_id)
    assert _texts(parts) == ["Tell me about owls", "Owls hunt at night."]
    assert view.reveal_message(hit.message_id)
