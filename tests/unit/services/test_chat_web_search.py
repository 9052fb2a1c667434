"""Web search through ChatSession and ChatPresenter on the loopback server: every search
counted live and stored, the rounds' turns stored and sent again exactly (also after a
restart), the toggle per conversation; and the errors no button can fix."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kimi_desktop.api import Endpoint, KimiClient
from kimi_desktop.api.retry import RetryPolicy
from kimi_desktop.domain import Draft, MessageStatus, StoredMessage, ThinkingFields, Usage
from kimi_desktop.services.chat import NO_FIX, ChatSession
from kimi_desktop.store import ConversationRepository, Database
from tests.fakes import FakeKimiServer, openai_stream, provider_error
from tests.fakes.search_rounds import ARGS_1, ARGS_2, ARGS_3, WEB_SEARCH_TOOL, three_rounds
from tests.unit.services.moonshot_window import Window, moonshot_window

MODEL = "kimi-k2.5"
#: A failure is the reply's at once: no waiting between tries.
ONE_TRY = RetryPolicy(max_attempts=1)


@dataclass
class Chat:
    """A session on a fake Moonshot endpoint over a history file that can be reopened."""

    server: FakeKimiServer
    path: Path
    loop: asyncio.AbstractEventLoop
    conversation_id: int = 0
    database: Database = field(init=False)
    repo: ConversationRepository = field(init=False)
    session: ChatSession = field(init=False)
    searched: list[tuple[int, int]] = field(default_factory=list)

    def open(self) -> None:
        endpoint = Endpoint("moonshot", "Moonshot", self.server.base_url)
        self.database = Database.open(self.path)
        self.repo = ConversationRepository(self.database)
        self.session = ChatSession(
            self.repo,
            lambda _id, on_retry: KimiClient(
                endpoint, self.server.api_key, on_retry=on_retry, retry=ONE_TRY
            ),
        )
        self.session.web_searched.connect(lambda i, n: self.searched.append((i, n)))

    def close(self) -> None:
        self.loop.run_until_complete(self.session.shutdown())
        self.database.close()

    def send(self, text: str, **options: Any) -> None:
        options.setdefault("thinking", ThinkingFields(thinking=True))
        self.session.send(
            self.conversation_id, text, endpoint_id="moonshot", model=MODEL, **options
        )
        self.finish()

    def finish(self) -> None:
        task = self.session.reply_task(self.conversation_id)
        if task is not None:
            self.loop.run_until_complete(asyncio.wait([task], timeout=20))

    def reply(self) -> StoredMessage:
        return self.repo.messages(self.conversation_id)[-1]

    def sent(self, index: int) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.server.chat_requests[index].json()["messages"]
        return messages


@pytest.fixture
def chat(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Chat]:
    with FakeKimiServer("moonshot") as server:
        made = Chat(server, tmp_path / "history.sqlite3", qloop)
        made.open()
        made.conversation_id = made.repo.create_conversation(web_search=True).id
        yield made
        made.close()


def test_a_searching_reply_is_counted_live_and_stored_with_its_turns(chat: Chat) -> None:
    live: list[int | None] = []
    chat.session.web_searched.connect(lambda i, _n: live.append(chat.session.live_searches(i)))
    three_rounds(chat.server)
    chat.send("What happened at sea today?")

    reply = chat.reply()
    assert reply.status is MessageStatus.COMPLETE
    assert chat.searched == [(reply.id, 1), (reply.id, 2), (reply.id, 3)]
    assert live == [1, 2, 3]  # what a view opened mid-reply starts from
    assert chat.session.live_searches(reply.id) is None
    assert reply.web_searches == 3
    assert reply.text == "Let me look further.A storm crossed the bay."
    assert reply.reasoning == "The user wants today's news; search.Two sources agree."
    # The searches' tokens are in the usage, summed over the three requests.
    assert reply.usage == Usage(prompt_tokens=19273, completion_tokens=64, cached_tokens=4)
    turns = chat.repo.tool_turns(chat.conversation_id)[reply.id]
    assert [t.role for t in turns] == ["assistant", "tool", "assistant", "tool", "tool"]
    assert [c.arguments for t in turns for c in t.tool_calls] == [ARGS_1, ARGS_2, ARGS_3]
    assert chat.server.chat_requests[0].json()["tools"] == [WEB_SEARCH_TOOL]


def test_the_conversation_is_resent_exactly_as_the_model_saw_it_after_a_restart(
    chat: Chat,
) -> None:
    three_rounds(chat.server)
    chat.send("What happened at sea today?")
    chat.close()
    chat.open()  # a later start of the app reads the reply back from disk
    chat.server.enqueue(openai_stream([], ["Calm now."]))
    chat.send("And tomorrow?")

    last_round = chat.sent(2)  # the request the answer came from
    follow_up = chat.sent(3)
    assert follow_up[: len(last_round)] == last_round
    assert follow_up[len(last_round) :] == [
        {
            "role": "assistant",
            "content": "A storm crossed the bay.",
            "reasoning_content": "Two sources agree.",
        },
        {"role": "user", "content": "And tomorrow?"},
    ]
    assert [m["role"] for m in last_round] == ["user", "assistant", "tool", "assistant"] + [
        "tool"
    ] * 2
    assert last_round[1]["reasoning_content"] == "The user wants today's news; search."
    assert last_round[1]["tool_calls"][0]["type"] == "builtin_function"
    assert last_round[2]["content"] == ARGS_1  # byte for byte
    sent = json.dumps(last_round, ensure_ascii=False, separators=(",", ":"))
    assert sent[:-1].encode() + b"," in chat.server.chat_requests[3].body


def test_a_searching_reply_cut_short_is_continued_after_its_turns(chat: Chat) -> None:
    three_rounds(chat.server, finish_reason="length")
    chat.send("What happened at sea today?")
    cut = chat.reply()
    assert (cut.status, cut.web_searches) == (MessageStatus.INTERRUPTED, 3)
    chat.server.enqueue(openai_stream([], [" Then it rained."]))

    chat.session.continue_reply(chat.conversation_id, cut.id, endpoint_id="moonshot", model=MODEL)
    chat.finish()

    asked = chat.sent(3)
    assert asked[:6] == chat.sent(2)
    assert asked[6] == {
        "role": "assistant",
        "content": "A storm crossed the bay.",
        "reasoning_content": "Two sources agree.",
        "partial": True,
    }
    reply = chat.reply()
    assert reply.text == "Let me look further.A storm crossed the bay. Then it rained."
    assert reply.web_searches == 3
    assert len(chat.repo.tool_turns(chat.conversation_id)[reply.id]) == 5


def test_a_conversation_without_web_search_declares_no_tool(chat: Chat) -> None:
    chat.repo.set_web_search(chat.conversation_id, False)
    chat.server.enqueue(openai_stream([], ["Hello."]))
    chat.send("Hi")
    assert "tools" not in chat.server.chat_requests[0].json()
    assert (chat.reply().web_searches, chat.searched) == (0, [])


# -- errors no button fixes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fix", "words"),
    [
        ("access_terminated", NO_FIX, "Contact the provider's support"),
        ("context_too_long", NO_FIX, "Start a new chat"),
        ("over_tpm", NO_FIX, "trying again will not help"),
        ("auth", "settings", "Settings"),
        ("server", "retry", "Try again"),
    ],
)
def test_the_fix_offered_for_a_failed_reply(chat: Chat, kind: str, fix: str, words: str) -> None:
    chat.server.enqueue(provider_error("moonshot", kind))  # type: ignore[arg-type]
    chat.send("Hi", web_search=False)
    reply = chat.reply()
    assert reply.status is MessageStatus.ERROR
    assert reply.error_fix == fix
    assert words in (reply.error or "")


# -- the toggle --------------------------------------------------------------------------


@pytest.fixture
def window(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Window]:
    with moonshot_window(tmp_path, qloop) as made:
        yield made


def test_the_toggle_is_kept_per_conversation_and_starts_new_chats(window: Window) -> None:
    presenter = window.presenter
    presenter.set_web_search(True)  # before the chat exists
    assert window.web_search == [True]
    window.server.enqueue(openai_stream([], ["Searched nothing."]))
    window.submit(Draft("News?"))
    first = presenter.conversation
    assert first is not None
    assert first.web_search
    assert window.history.conversation(first.id).web_search  # type: ignore[union-attr]
    assert window.body()["tools"] == [WEB_SEARCH_TOOL]

    presenter.set_web_search(False)
    assert window.history.conversation(first.id).web_search is False  # type: ignore[union-attr]
    window.server.enqueue(openai_stream([], ["Plain."]))
    window.submit(Draft("Without searching"))
    assert "tools" not in window.body()

    presenter.open(None)  # a new chat starts as last chosen: off
    assert window.web_search[-1] is False
    presenter.set_web_search(True)
    presenter.open(first.id)  # the first keeps its own setting
    assert window.web_search[-1] is False
    assert presenter.web_search() is False
    presenter.open(None)
    assert window.web_search[-1] is True


def test_web_search_is_only_sent_where_the_endpoint_runs_it(
    tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    with moonshot_window(tmp_path, qloop, preset=None) as window:
        window.presenter.set_web_search(True)
        window.server.enqueue(openai_stream([], ["Hello."]))
        window.submit(Draft("News?"))
        conversation = window.presenter.conversation
        assert conversation is not None
        assert conversation.web_search  # kept for later
        assert "tools" not in window.body()  # but never declared to this endpoint
