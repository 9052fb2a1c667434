"""ChatSession over the loopback server: the output budget in every request, replies the
budget cut short, and Continue (Moonshot's partial mode) into the same message."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kimi_desktop.api import Endpoint, KimiClient
from kimi_desktop.domain import Message, MessageStatus, StoredMessage, ThinkingFields, Usage
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS, OutputBudget, estimate_prompt_tokens
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.store import ConversationRepository, Database
from tests.fakes import FakeKimiServer, Gate, error_reply, openai_stream
from tests.loop_support import run_until

MODEL = "kimi-k2.5"
USAGE = {"prompt_tokens": 20, "completion_tokens": 30, "total_tokens": 50}


@dataclass
class Chat:
    """A session on a fake endpoint, and the history file it writes."""

    server: FakeKimiServer
    session: ChatSession
    repo: ConversationRepository
    path: Path
    loop: asyncio.AbstractEventLoop
    conversation_id: int

    def send(self, text: str = "Tell me a story", **options: Any) -> None:
        self.session.send(
            self.conversation_id, text, endpoint_id="moonshot", model=MODEL, **options
        )
        self.finish()

    def continue_reply(self, message_id: int, **options: Any) -> None:
        self.session.continue_reply(
            self.conversation_id, message_id, endpoint_id="moonshot", model=MODEL, **options
        )

    def finish(self) -> None:
        task = self.session.reply_task(self.conversation_id)
        if task is not None:
            self.loop.run_until_complete(asyncio.wait([task], timeout=20))

    def messages(self) -> list[StoredMessage]:
        return self.repo.messages(self.conversation_id)

    def reply(self) -> StoredMessage:
        return self.messages()[-1]

    def body(self, index: int = -1) -> dict[str, Any]:
        return self.server.chat_requests[index].json()


@pytest.fixture
def chat(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Chat]:
    path = tmp_path / "history.sqlite3"
    with FakeKimiServer("moonshot") as server:
        endpoint = Endpoint("moonshot", "Moonshot", server.base_url)
        database = Database.open(path)
        repo = ConversationRepository(database)
        session = ChatSession(
            repo, lambda _id, on_retry: KimiClient(endpoint, server.api_key, on_retry=on_retry)
        )
        conversation = repo.create_conversation()
        yield Chat(server, session, repo, path, qloop, conversation.id)
        qloop.run_until_complete(session.shutdown())
        database.close()


def reopened(path: Path, conversation_id: int) -> list[StoredMessage]:
    """The conversation as a later start of the app reads it from disk."""
    with Database.open(path) as database:
        return ConversationRepository(database).messages(conversation_id)


# -- the budget ---------------------------------------------------------------------


def test_every_request_carries_the_default_budget(chat: Chat) -> None:
    chat.server.enqueue(openai_stream([], ["Once upon a time."]))
    chat.send()
    assert chat.body()["max_tokens"] == DEFAULT_MAX_TOKENS


def test_the_conversations_budget_goes_out_as_set(chat: Chat) -> None:
    chat.server.enqueue(openai_stream([], ["Short."]))
    chat.send(budget=OutputBudget(8_192, 262_144))
    assert chat.body()["max_tokens"] == 8_192


def test_the_budget_leaves_room_for_the_prompt_in_the_context(chat: Chat) -> None:
    long_prompt = "word " * 6_000  # about 10,000 tokens by the estimate
    chat.server.enqueue(openai_stream([], ["Summary."]))
    chat.send(long_prompt, budget=OutputBudget(None, 16_384))
    body = chat.body()
    assert body["messages"] == [{"role": "user", "content": long_prompt}]
    assert body["max_tokens"] == 16_384 - estimate_prompt_tokens([Message("user", long_prompt)])
    assert body["max_tokens"] < DEFAULT_MAX_TOKENS


def test_the_thinking_fields_go_into_the_request(chat: Chat) -> None:
    chat.server.enqueue(openai_stream([], ["Fast."]))
    chat.send(thinking=ThinkingFields(thinking=False))
    assert chat.body()["thinking"] == {"type": "disabled"}
    chat.server.enqueue(openai_stream([], ["Deep."]))
    chat.send("again", thinking=ThinkingFields(switch="reasoning_effort", effort="high"))
    body = chat.body()
    assert body["reasoning_effort"] == "high"
    assert "thinking" not in body


# -- replies the budget cut short ------------------------------------------------------


def test_a_reply_cut_while_thinking_is_never_a_finished_reply(chat: Chat) -> None:
    changed: list[StoredMessage] = []
    chat.session.message_changed.connect(changed.append)
    chat.server.enqueue(openai_stream(["Let me plan ", "the story"], [], finish_reason="length"))
    chat.send()

    reply = chat.reply()
    assert reply.status is MessageStatus.INTERRUPTED
    assert (reply.text, reply.reasoning) == ("", "Let me plan the story")
    assert reply.error_fix == "larger_budget"
    assert changed[-1].status is MessageStatus.INTERRUPTED  # what the window was told
    assert all(m.status is not MessageStatus.COMPLETE for m in changed)


def test_a_reply_cut_with_some_answer_keeps_it_and_says_why(chat: Chat) -> None:
    chat.server.enqueue(openai_stream(["plan"], ["Once upon a "], finish_reason="length"))
    chat.send()
    reply = chat.reply()
    assert (reply.status, reply.text) == (MessageStatus.INTERRUPTED, "Once upon a ")
    assert reply.error_fix == "larger_budget"


def test_the_field_reasoning_arrived_in_is_stored_and_sent_back(chat: Chat) -> None:
    chat.server.enqueue(openai_stream(["hmm"], ["Hi."], reasoning_field="reasoning"))
    chat.send("hello")
    assert chat.reply().reasoning_field == "reasoning"
    chat.server.enqueue(openai_stream([], ["Again."]))
    chat.send("and again")
    earlier = chat.body()["messages"][1]
    assert earlier == {"role": "assistant", "content": "Hi.", "reasoning": "hmm"}


# -- Continue ----------------------------------------------------------------------------


def test_continue_sends_the_reply_as_a_partial_turn_and_appends_to_it(chat: Chat) -> None:
    chat.server.enqueue(
        openai_stream(["plan"], ["Once upon a "], usage=USAGE, finish_reason="length")
    )
    chat.send()
    cut = chat.reply()
    deltas: list[tuple[int, str]] = []
    chat.session.content_received.connect(
        lambda message_id, text: deltas.append((message_id, text))
    )
    chat.server.enqueue(openai_stream([], ["time, a fox ", "ran."], usage=USAGE))

    chat.continue_reply(cut.id)
    chat.finish()

    body = chat.body()
    assert body["messages"][:-1] == chat.body(0)["messages"]  # the dialogue up to the reply
    assert body["messages"][-1] == {
        "role": "assistant",
        "content": "Once upon a ",
        "reasoning_content": "plan",
        "partial": True,
    }
    assert body["max_tokens"] == DEFAULT_MAX_TOKENS
    assert {message_id for message_id, _text in deltas} == {cut.id}
    assert "".join(text for _id, text in deltas) == "time, a fox ran."  # only the rest
    (prompt, reply) = chat.messages()  # no new message
    assert reply.id == cut.id
    assert (reply.status, reply.text) == (MessageStatus.COMPLETE, "Once upon a time, a fox ran.")
    assert reply.reasoning == "plan"
    assert reply.usage == Usage(40, 60)  # both requests, added up
    assert (reply.error, reply.error_fix) == (None, None)
    assert [m.text for m in reopened(chat.path, chat.conversation_id)] == [
        prompt.text,
        "Once upon a time, a fox ran.",
    ]


def test_a_stopped_reply_is_continued_under_the_field_its_reasoning_came_in(chat: Chat) -> None:
    gate = Gate()
    chat.server.enqueue(
        openai_stream(["think"], ["Half ", "way"], reasoning_field="reasoning").stalled(
            gate, after_events=3
        )
    )
    arrived: list[str] = []
    chat.session.content_received.connect(lambda _id, text: arrived.append(text))
    chat.session.send(chat.conversation_id, "go", endpoint_id="moonshot", model=MODEL)
    run_until(chat.loop, lambda: "".join(arrived) == "Half ")
    chat.session.stop(chat.conversation_id)
    chat.finish()
    gate.open()
    stopped = chat.reply()
    assert (stopped.status, stopped.text) == (MessageStatus.STOPPED, "Half ")

    chat.server.enqueue(openai_stream([], ["way there."]))
    chat.continue_reply(stopped.id)
    chat.finish()

    assert chat.body()["messages"][-1] == {
        "role": "assistant",
        "content": "Half ",
        "reasoning_content": "think",  # no Finish said otherwise before the stop
        "partial": True,
    }
    assert chat.reply().text == "Half way there."


def test_a_continuation_is_saved_as_it_streams_and_survives_a_crash(chat: Chat) -> None:
    chat.server.enqueue(openai_stream([], ["The start, "], finish_reason="length"))
    chat.send()
    cut = chat.reply()
    gate = Gate()
    chat.server.enqueue(
        openai_stream([], ["the middle, ", "the end."]).stalled(gate, after_events=2)
    )
    resumed: list[StoredMessage] = []
    chat.session.message_changed.connect(resumed.append)

    chat.continue_reply(cut.id)
    assert resumed[0].status is MessageStatus.STREAMING  # the window shows it streaming again
    run_until(
        chat.loop,
        lambda: reopened(chat.path, chat.conversation_id)[-1].text == "The start, the middle, ",
    )
    on_disk = reopened(chat.path, chat.conversation_id)[-1]
    assert on_disk.status is MessageStatus.STREAMING  # a crash now is recovered as interrupted
    gate.open()
    chat.finish()
    assert chat.reply().text == "The start, the middle, the end."


def test_continue_on_a_reply_with_no_answer_text_regenerates(chat: Chat) -> None:
    chat.server.enqueue(openai_stream(["only thinking"], [], finish_reason="length"))
    chat.send()
    cut = chat.reply()
    chat.server.enqueue(openai_stream([], ["A whole answer."]))

    chat.continue_reply(cut.id)
    chat.finish()

    assert all(not m.get("partial") for m in chat.body()["messages"])
    assert chat.body()["messages"][-1]["role"] == "user"
    _prompt, reply = chat.messages()
    assert reply.id != cut.id
    assert (reply.status, reply.text) == (MessageStatus.COMPLETE, "A whole answer.")


def test_an_endpoint_that_refuses_the_partial_turn_is_named_with_regenerate(chat: Chat) -> None:
    chat.server.enqueue(openai_stream([], ["Part one"], finish_reason="length"))
    chat.send()
    cut = chat.reply()
    chat.server.enqueue(
        error_reply(
            400,
            {"error": {"message": "unknown field: partial", "type": "invalid_request_error"}},
        )
    )

    chat.continue_reply(cut.id)
    chat.finish()

    reply = chat.reply()
    assert reply.id == cut.id
    assert reply.status is MessageStatus.INTERRUPTED
    assert reply.text == "Part one"  # nothing lost
    assert reply.error == "This endpoint cannot continue a reply; regenerate instead."
    assert reply.error_fix == "regenerate"


def test_only_the_last_reply_that_ended_short_is_continued(chat: Chat) -> None:
    chat.server.enqueue(openai_stream([], ["Complete answer."]))
    chat.send()
    complete = chat.reply()
    requests = len(chat.server.chat_requests)

    chat.continue_reply(complete.id)  # a finished reply: nothing to continue
    chat.continue_reply(chat.messages()[0].id)  # a prompt

    assert chat.session.reply_task(chat.conversation_id) is None
    assert len(chat.server.chat_requests) == requests
    assert chat.reply() == complete
