"""ChatPresenter over the loopback server: the conversation's settings, the budget and
thinking fields in every request, Continue and "Larger budget" from a message's buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from kimi_desktop.domain import MessageAction, MessageStatus, StoredMessage, ThinkingFields
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS
from kimi_desktop.services.choices import ModelChoice
from tests.fakes import openai_stream
from tests.unit.services.moonshot_window import Window, moonshot_window


@pytest.fixture
def window(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Window]:
    with moonshot_window(tmp_path, qloop, preset=None) as made:  # a server the app does not know
        yield made


def test_a_new_chat_asks_for_the_default_budget(window: Window) -> None:
    window.server.enqueue(openai_stream([], ["Hello!"]))
    window.send("hi")
    assert window.body()["max_tokens"] == DEFAULT_MAX_TOKENS


def test_the_conversations_budget_is_saved_and_sent(window: Window) -> None:
    window.presenter.set_conversation_settings("Be brief.", 8_192)
    conversation = window.presenter.conversation
    assert conversation is not None  # a new chat is saved to hold its settings
    assert window.history.conversation(conversation.id).max_tokens == 8_192
    window.server.enqueue(openai_stream([], ["Brief."]))
    window.send("hi")
    body = window.body()
    assert body["max_tokens"] == 8_192
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}

    window.presenter.set_conversation_settings("Be brief.", None)  # back to the default
    window.server.enqueue(openai_stream([], ["Default."]))
    window.send("again")
    assert window.body()["max_tokens"] == DEFAULT_MAX_TOKENS


def test_the_budget_is_capped_by_what_the_models_context_leaves(window: Window) -> None:
    window.list_models(16_384)
    assert window.presenter.conversation_settings().budget_limit == 16_384
    window.server.enqueue(openai_stream([], ["Sure."]))
    window.send("hi")
    assert DEFAULT_MAX_TOKENS > window.body()["max_tokens"] > 16_384 - 2_000


def test_the_endpoint_presenter_says_how_thinking_is_switched(window: Window, monkeypatch) -> None:
    asked: list[ModelChoice] = []

    def thinking_for(choice: ModelChoice) -> ThinkingFields:
        asked.append(choice)
        return ThinkingFields(thinking=True, switch="chat_template_kwargs")

    monkeypatch.setattr(window.presenter.endpoint_presenter, "thinking_for", thinking_for)
    window.server.enqueue(openai_stream([], ["Thought it over."]))
    window.send("think")
    assert asked == [window.choice]
    body = window.body()
    assert body["chat_template_kwargs"] == {"thinking": True}
    assert "thinking" not in body


def test_larger_budget_doubles_saves_and_answers_again(window: Window) -> None:
    window.list_models(262_144)
    window.server.enqueue(openai_stream(["long thoughts"], [], finish_reason="length"))
    window.send("a hard question")
    cut = window.reply()
    assert (cut.status, cut.error_fix) == (MessageStatus.INTERRUPTED, "larger_budget")
    window.server.enqueue(openai_stream(["thoughts"], ["The answer."]))

    window.act(MessageAction.LARGER_BUDGET, cut)

    conversation = window.presenter.conversation
    assert conversation is not None
    assert conversation.max_tokens == 2 * DEFAULT_MAX_TOKENS
    assert window.history.conversation(conversation.id).max_tokens == 2 * DEFAULT_MAX_TOKENS
    assert window.body()["max_tokens"] == 2 * DEFAULT_MAX_TOKENS
    assert window.body()["messages"][-1] == {"role": "user", "content": "a hard question"}
    reply = window.reply()
    assert reply.id != cut.id  # asked again, the cut reply gone
    assert (reply.status, reply.text) == (MessageStatus.COMPLETE, "The answer.")
    assert [m.id for m in window.history.messages(conversation.id)][-1] == reply.id
    tokens = QLocale().toString(2 * DEFAULT_MAX_TOKENS)
    assert window.status[-1] == f"This conversation's output budget is now {tokens} tokens."


def test_larger_budget_stops_at_the_context(window: Window) -> None:
    window.list_models(40_000)
    window.server.enqueue(openai_stream(["thinking"], [], finish_reason="length"))
    window.send("question")
    window.server.enqueue(openai_stream(["thinking"], [], finish_reason="length"))
    window.act(MessageAction.LARGER_BUDGET, window.reply())
    conversation = window.presenter.conversation
    assert conversation is not None
    assert conversation.max_tokens == 40_000
    requests = len(window.server.chat_requests)

    window.act(MessageAction.LARGER_BUDGET, window.reply())

    assert len(window.server.chat_requests) == requests  # nothing larger to ask with
    assert (
        window.status[-1] == "The output budget is already as large as this model's context allows."
    )


def test_continue_goes_on_in_the_same_message(window: Window) -> None:
    window.server.enqueue(openai_stream([], ["Step one, "], finish_reason="length"))
    window.send("steps please")
    cut = window.reply()
    changed: list[StoredMessage] = []
    window.presenter.message_changed.connect(changed.append)
    window.server.enqueue(openai_stream([], ["step two."]))

    window.act(MessageAction.CONTINUE, cut)

    assert window.body()["messages"][-1] == {
        "role": "assistant",
        "content": "Step one, ",
        "partial": True,
    }
    assert [m.status for m in changed] == [MessageStatus.STREAMING, MessageStatus.COMPLETE]
    assert window.reply().id == cut.id
    assert window.reply().text == "Step one, step two."
    assert len(window.presenter.messages()) == 2


def test_the_settings_dialog_gets_the_conversations_values(window: Window) -> None:
    assert window.presenter.conversation_settings().max_tokens is None
    window.presenter.set_conversation_settings("Answer in French.", 12_000)
    settings = window.presenter.conversation_settings()
    assert (settings.system_prompt, settings.max_tokens) == ("Answer in French.", 12_000)
