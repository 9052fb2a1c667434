"""ChatPresenter over the loopback server: the conversation's settings, the budget and
thinking fields in every request, Continue and "Larger budget" from a message's buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from kimi_desktop.domain import Draft, MessageAction, MessageStatus, StoredMessage, ThinkingFields
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.presenter import ChatPresenter
from kimi_desktop.settings import AppPaths, SecretStore, SettingsStore
from kimi_desktop.settings.secrets import environment_override
from kimi_desktop.store import ConversationRepository, Database
from tests.fakes import FakeKimiServer, json_reply, openai_stream
from tests.loop_support import settle


@dataclass
class Window:
    """A presenter over real services on a fake Moonshot endpoint, and what it said."""

    presenter: ChatPresenter
    chat: ChatSession
    history: HistoryService
    endpoints: EndpointService
    server: FakeKimiServer
    loop: asyncio.AbstractEventLoop
    choice: ModelChoice = field(default_factory=lambda: ModelChoice("kimi-k2.5"))
    status: list[str] = field(default_factory=list)

    def send(self, text: str) -> None:
        self.presenter.submit(Draft(text))
        self.finish()

    def finish(self) -> None:
        conversation = self.presenter.conversation
        assert conversation is not None
        task = self.chat.reply_task(conversation.id)
        if task is not None:
            self.loop.run_until_complete(asyncio.wait([task], timeout=20))

    def act(self, action: MessageAction, message: StoredMessage) -> None:
        self.presenter.act(action, message.id)
        self.finish()

    def reply(self) -> StoredMessage:
        return self.presenter.messages()[-1]

    def body(self) -> dict[str, Any]:
        return self.server.chat_requests[-1].json()


def models(context_length: int) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {
                "id": "kimi-k2.5",
                "object": "model",
                "owned_by": "moonshot",
                "context_length": context_length,
                "supports_image_in": True,
                "supports_reasoning": True,
            }
        ],
    }


@pytest.fixture
def window(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Window]:
    with FakeKimiServer("moonshot") as server:
        environ = {
            "KIMI_DESKTOP_HOME": str(tmp_path / "home"),
            "KIMI_BASE_URL": server.base_url,
            "KIMI_API_KEY": server.api_key,
        }
        paths = AppPaths.from_environment(environ)
        settings = SettingsStore(paths)
        override = environment_override(environ)
        assert override is not None
        endpoints = EndpointService(
            settings,
            SecretStore(paths.ensure_config_dir()),
            environment=(override.profile, override.api_key),
        )
        database = Database.open(tmp_path / "history.sqlite3")
        repository = ConversationRepository(database)
        history = HistoryService(repository)
        chat = ChatSession(repository, endpoints.open_client)
        holder: dict[str, Window] = {}
        presenter = ChatPresenter(
            history=history,
            chat=chat,
            endpoints=endpoints,
            settings=settings,
            current_choice=lambda: holder["w"].choice,
        )
        w = Window(presenter, chat, history, endpoints, server, qloop)
        holder["w"] = w
        presenter.status_message.connect(lambda text, _ms: w.status.append(text))
        yield w
        qloop.run_until_complete(asyncio.gather(*presenter.close(), return_exceptions=True))
        settle(qloop)
        qloop.run_until_complete(chat.shutdown())
        database.close()
        presenter.deleteLater()
        QApplication.processEvents()


def refresh_models(window: Window, context_length: int) -> None:
    window.server.override("GET", "/v1/models", json_reply(models(context_length)))
    window.loop.run_until_complete(window.endpoints.refresh_models(window.endpoints.active_id))


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
    refresh_models(window, 16_384)
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
    refresh_models(window, 262_144)
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
    refresh_models(window, 40_000)
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
