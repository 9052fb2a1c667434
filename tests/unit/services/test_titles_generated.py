"""A conversation's title asked of the model after its first answer, against the loopback
server: thinking off the way the model allows, a tiny budget, no web search; the
preference turns it off, a renamed chat keeps its name, a failure keeps the first words."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.title_requests import (
    REASONING_TITLE_MAX_TOKENS,
    TITLE_INSTRUCTION,
    TITLE_MAX_TOKENS,
    TitleGenerator,
)
from kimi_desktop.services.titles import title_from_prompt
from kimi_desktop.settings import Preferences, SettingsStore
from tests.fakes import FakeKimiServer, Gate, json_reply, openai_stream, provider_error
from tests.loop_support import run_until, settle
from tests.unit.services.moonshot_window import moonshot_services

pytestmark = pytest.mark.titles

PROMPT = "What is asyncio, and when should I use it?"
ANSWER = ("asyncio runs many coroutines ", "on one thread.")


@dataclass
class Titled:
    """A chat session on a fake Moonshot endpoint with a title generator listening."""

    server: FakeKimiServer
    settings: SettingsStore
    endpoints: EndpointService
    history: HistoryService
    chat: ChatSession
    titles: TitleGenerator
    loop: asyncio.AbstractEventLoop
    generated: list[tuple[int, str]] = field(default_factory=list)

    def list_models(self, *model_ids: str) -> None:
        """The endpoint lists these models (Moonshot's list shape)."""
        data = [{"id": m, "object": "model", "owned_by": "moonshot"} for m in model_ids]
        self.server.override("GET", "/v1/models", json_reply({"object": "list", "data": data}))
        self.loop.run_until_complete(self.endpoints.refresh_models(self.endpoints.active_id))

    def send(self, model: str, text: str = PROMPT, *, before_reply: Any = None) -> int:
        """Start a chat with ``text`` on ``model`` and wait for its answer; returns its id."""
        conversation = self.history.create(endpoint_id=self.endpoints.active_id, model=model)
        self.chat.send(conversation.id, text, endpoint_id=self.endpoints.active_id, model=model)
        if before_reply is not None:
            before_reply(conversation.id)
        task = self.chat.reply_task(conversation.id)
        assert task is not None
        self.loop.run_until_complete(asyncio.wait([task], timeout=20))
        return conversation.id

    def wait_for_title(self, conversation_id: int, requests: int = 2) -> None:
        """Run until the title request was made and its answer dealt with."""
        run_until(
            self.loop,
            lambda: (
                len(self.server.chat_requests) >= requests
                and self.titles.task(conversation_id) is None
            ),
        )

    def title(self, conversation_id: int) -> str:
        conversation = self.history.conversation(conversation_id)
        assert conversation is not None
        return conversation.title

    def title_body(self) -> dict[str, Any]:
        body: dict[str, Any] = self.server.chat_requests[-1].json()
        return body


@pytest.fixture
def titled(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Titled]:
    with moonshot_services(tmp_path, qloop) as services:
        titles = TitleGenerator(
            chat=services.chat, history=services.history, endpoints=services.endpoints
        )
        services.own(titles, titles.close)
        made = Titled(
            services.server,
            services.settings,
            services.endpoints,
            services.history,
            services.chat,
            titles,
            qloop,
        )
        titles.title_generated.connect(lambda cid, title: made.generated.append((cid, title)))
        yield made


def test_a_switchable_model_is_asked_with_thinking_off_and_a_tiny_budget(titled: Titled) -> None:
    titled.list_models("kimi-k2.5")
    titled.server.enqueue(openai_stream(content=ANSWER))
    titled.server.enqueue(openai_stream(content=("“Asyncio", " in a nutshell”.")))

    conversation_id = titled.send("kimi-k2.5")
    titled.wait_for_title(conversation_id)

    body = titled.title_body()
    assert body["model"] == "kimi-k2.5"
    assert body["thinking"] == {"type": "disabled"}
    assert body["max_tokens"] == TITLE_MAX_TOKENS <= 64
    assert "tools" not in body  # no web search
    assert "reasoning_effort" not in body
    system, user = body["messages"]
    assert system == {"role": "system", "content": TITLE_INSTRUCTION}
    assert PROMPT in user["content"]
    assert "".join(ANSWER) in user["content"]
    assert titled.title(conversation_id) == "Asyncio in a nutshell"
    assert titled.generated == [(conversation_id, "Asyncio in a nutshell")]


def test_a_model_that_always_thinks_is_never_told_to_stop(titled: Titled) -> None:
    titled.list_models("kimi-k2.7-code")  # nothing on the endpoint can stop thinking
    titled.server.enqueue(openai_stream(content=ANSWER))
    titled.server.enqueue(openai_stream(("The user wants a title.",), ("Asyncio basics",)))

    conversation_id = titled.send("kimi-k2.7-code")
    titled.wait_for_title(conversation_id)

    body = titled.title_body()
    assert body["model"] == "kimi-k2.7-code"
    assert "thinking" not in body
    assert "reasoning_effort" not in body
    assert body["max_tokens"] == REASONING_TITLE_MAX_TOKENS  # room to think, then title
    assert titled.title(conversation_id) == "Asyncio basics"


def test_a_model_of_the_endpoint_that_can_stop_thinking_is_asked_instead(titled: Titled) -> None:
    titled.list_models("kimi-k2.7-code", "kimi-k2.6", "kimi-k2.5")
    titled.server.enqueue(openai_stream(content=ANSWER))
    titled.server.enqueue(openai_stream(content=("Asyncio basics",)))

    conversation_id = titled.send("kimi-k2.7-code")
    titled.wait_for_title(conversation_id)

    body = titled.title_body()
    assert body["model"] == "kimi-k2.5"  # the cheapest that can stop
    assert body["thinking"] == {"type": "disabled"}
    assert body["max_tokens"] == TITLE_MAX_TOKENS
    assert titled.title(conversation_id) == "Asyncio basics"


def test_the_title_is_in_the_language_of_the_conversation(titled: Titled) -> None:
    titled.list_models("kimi-k2.5")
    titled.server.enqueue(openai_stream(content=("异步编程是……",)))
    titled.server.enqueue(openai_stream(content=("标题：「Python 异步编程入门」",)))

    conversation_id = titled.send("kimi-k2.5", "请解释一下 Python 的异步编程")
    titled.wait_for_title(conversation_id)

    assert "请解释一下 Python 的异步编程" in titled.title_body()["messages"][1]["content"]
    assert titled.title(conversation_id) == "Python 异步编程入门"


def test_with_the_preference_off_nothing_is_sent(titled: Titled) -> None:
    titled.settings.set_preferences(Preferences(generate_titles=False))
    titled.list_models("kimi-k2.5")
    titled.server.enqueue(openai_stream(content=ANSWER))

    conversation_id = titled.send("kimi-k2.5")

    assert titled.titles.task(conversation_id) is None  # decided when the answer completed
    settle(titled.loop)
    assert len(titled.server.chat_requests) == 1
    assert titled.title(conversation_id) == title_from_prompt(PROMPT)
    assert titled.generated == []


def test_a_renamed_chat_is_not_retitled(titled: Titled) -> None:
    titled.list_models("kimi-k2.5")
    titled.server.enqueue(openai_stream(content=ANSWER))

    conversation_id = titled.send(
        "kimi-k2.5", before_reply=lambda cid: titled.history.rename(cid, "My asyncio notes")
    )

    assert titled.titles.task(conversation_id) is None
    settle(titled.loop)
    assert len(titled.server.chat_requests) == 1
    assert titled.title(conversation_id) == "My asyncio notes"


def test_a_rename_while_the_model_is_asked_wins(titled: Titled) -> None:
    titled.list_models("kimi-k2.5")
    gate = Gate()
    titled.server.enqueue(openai_stream(content=ANSWER))
    titled.server.enqueue(openai_stream(content=("Asyncio basics",)).stalled(gate))

    conversation_id = titled.send("kimi-k2.5")
    run_until(titled.loop, gate.reached.is_set)
    titled.history.rename(conversation_id, "Mine")
    gate.open()
    titled.wait_for_title(conversation_id)

    assert titled.title(conversation_id) == "Mine"
    assert titled.generated == []


def test_only_the_first_answer_asks_for_a_title(titled: Titled) -> None:
    titled.list_models("kimi-k2.5")
    titled.server.enqueue(openai_stream(content=ANSWER))
    titled.server.enqueue(openai_stream(content=("Asyncio basics",)))
    conversation_id = titled.send("kimi-k2.5")
    titled.wait_for_title(conversation_id)
    titled.server.enqueue(openai_stream(content=("Use it for I/O.",)))

    titled.chat.send(
        conversation_id, "And threads?", endpoint_id=titled.endpoints.active_id, model="kimi-k2.5"
    )
    task = titled.chat.reply_task(conversation_id)
    assert task is not None
    titled.loop.run_until_complete(asyncio.wait([task], timeout=20))

    assert titled.titles.task(conversation_id) is None
    settle(titled.loop)
    assert len(titled.server.chat_requests) == 3  # answer, title, answer
    assert titled.title(conversation_id) == "Asyncio basics"


@pytest.mark.parametrize(
    "title_reply",
    [
        pytest.param(provider_error("moonshot", "bad_request"), id="error"),
        pytest.param(
            openai_stream(content=("Here is a title that sums up the whole thing " * 3,)),
            id="too-long",
        ),
        pytest.param(openai_stream(content=('""',)), id="empty"),
        pytest.param(
            openai_stream(content=("Asyncio",), finish_reason="length"), id="cut-by-the-budget"
        ),
    ],
)
def test_a_failed_request_keeps_the_local_title(titled: Titled, title_reply: Any) -> None:
    titled.list_models("kimi-k2.5")
    titled.server.enqueue(openai_stream(content=ANSWER))
    titled.server.enqueue(title_reply)

    conversation_id = titled.send("kimi-k2.5")
    titled.wait_for_title(conversation_id)

    assert len(titled.server.chat_requests) == 2  # asked once, never again
    assert titled.title(conversation_id) == title_from_prompt(PROMPT)
    assert titled.generated == []
