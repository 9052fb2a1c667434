"""ChatSession sends documents over the loopback server: each its own context block right
before the turn it came with, the same bytes on every re-send, also after a restart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kimi_desktop.api import Endpoint, KimiClient
from kimi_desktop.domain import AttachedDocument, MessageStatus
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.store import ConversationRepository, Database
from tests.fakes import FakeKimiServer, anthropic_stream, openai_stream

MODEL = "kimi-k2.5"
REPORT = AttachedDocument(
    name="季度报告.pdf",
    kind="pdf",
    text='--- page 1 ---\nRevenue grew 12% "year on year".\n\n--- page 2 ---\n营收增长。',
    pages=2,
    tokens=60,
)
NOTES = AttachedDocument(name="notes.md", kind="text", text="# Notes\n- ship it\n", lines=2)


def block(document: AttachedDocument, mime: str) -> str:
    """The block as Moonshot's files API would give it: its content JSON, compact, unescaped."""
    return json.dumps(
        {
            "content": document.text,
            "file_type": mime,
            "filename": document.name,
            "title": "",
            "type": "file",
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


REPORT_BLOCK = block(REPORT, "application/pdf")
NOTES_BLOCK = block(NOTES, "text/plain")


@dataclass
class Chat:
    """A session on a fake endpoint over a history file that can be reopened."""

    server: FakeKimiServer
    endpoint: Endpoint
    path: Path
    loop: asyncio.AbstractEventLoop
    conversation_id: int
    database: Database = field(init=False)
    repo: ConversationRepository = field(init=False)
    session: ChatSession = field(init=False)

    def open(self) -> None:
        self.database = Database.open(self.path)
        self.repo = ConversationRepository(self.database)
        self.session = ChatSession(
            self.repo,
            lambda _id, on_retry: KimiClient(self.endpoint, "test-key", on_retry=on_retry),
        )

    def restart(self) -> None:
        """Quit and start again: the history is read back from disk."""
        self.loop.run_until_complete(self.session.shutdown())
        self.database.close()
        self.open()

    def send(self, text: str, *, reply: str = "Noted.", **options: Any) -> None:
        self.server.enqueue(self.reply_stream(reply))
        self.session.send(self.conversation_id, text, endpoint_id="e", model=MODEL, **options)
        self.finish()

    def reply_stream(self, text: str) -> Any:
        if self.endpoint.protocol == "anthropic":
            return anthropic_stream((), (text,), {"input_tokens": 10, "output_tokens": 4})
        return openai_stream([], [text])

    def finish(self) -> None:
        task = self.session.reply_task(self.conversation_id)
        if task is not None:
            self.loop.run_until_complete(asyncio.wait([task], timeout=20))

    def body(self, index: int = -1) -> dict[str, Any]:
        return self.server.chat_requests[index].json()

    def raw(self, index: int = -1) -> bytes:
        return self.server.chat_requests[index].body


def make_chat(
    tmp_path: Path, loop: asyncio.AbstractEventLoop, server: FakeKimiServer, protocol: str
) -> Chat:
    endpoint = Endpoint("e", "Endpoint", server.base_url, protocol)  # type: ignore[arg-type]
    path = tmp_path / "history.sqlite3"
    with Database.open(path) as database:
        conversation = ConversationRepository(database).create_conversation(
            system_prompt="Be brief."
        )
    chat = Chat(server, endpoint, path, loop, conversation.id)
    chat.open()
    return chat


@pytest.fixture
def chat(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Chat]:
    with FakeKimiServer("moonshot") as server:
        made = make_chat(tmp_path, qloop, server, "openai")
        yield made
        qloop.run_until_complete(made.session.shutdown())
        made.database.close()


def test_each_document_is_a_system_block_right_before_its_turn(chat: Chat) -> None:
    chat.send("What changed?")
    chat.send("Compare these.", documents=[REPORT, NOTES])
    assert chat.body()["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What changed?"},
        {"role": "assistant", "content": "Noted."},
        {"role": "system", "content": REPORT_BLOCK},
        {"role": "system", "content": NOTES_BLOCK},
        {"role": "user", "content": "Compare these."},
    ]
    prompt = chat.repo.messages(chat.conversation_id)[-2]
    assert (prompt.text, prompt.documents) == ("Compare these.", (REPORT, NOTES))


def test_the_resend_is_byte_identical_across_a_restart(chat: Chat) -> None:
    chat.send("Summarise the report.", documents=[REPORT], reply="Revenue is up.")
    chat.send("And the notes?", documents=[NOTES], reply="Ship it.")
    chat.restart()
    chat.send("Thanks.")

    first, second, third = (chat.body(i)["messages"] for i in range(3))
    assert second[: len(first)] == first
    assert third[: len(second)] == second
    assert third[len(first) : len(first) + 1] == [
        {"role": "assistant", "content": "Revenue is up."}
    ]
    # The bytes on the wire: the earlier request's messages open the later one's, as sent.
    for earlier, later in ((0, 1), (1, 2)):
        sent = json.dumps(chat.body(earlier)["messages"], ensure_ascii=False, separators=(",", ":"))
        assert sent.encode() in chat.raw(earlier)  # written that way on the wire
        assert sent[:-1].encode() + b"," in chat.raw(later)


def test_an_edited_prompt_keeps_its_documents(chat: Chat) -> None:
    chat.send("Summarise", documents=[REPORT])
    chat.server.enqueue(openai_stream([], ["Shorter."]))
    first = chat.repo.messages(chat.conversation_id)[0]
    chat.session.edit_prompt(
        chat.conversation_id,
        first.id,
        "Summarise in one line",
        endpoint_id="e",
        model=MODEL,
        documents=[NOTES],
    )
    chat.finish()
    prompt, reply = chat.repo.messages(chat.conversation_id)
    assert prompt.documents == (REPORT, NOTES)
    assert reply.status is MessageStatus.COMPLETE
    assert [m["content"] for m in chat.body()["messages"]] == [
        "Be brief.",
        REPORT_BLOCK,
        NOTES_BLOCK,
        "Summarise in one line",
    ]


def test_regenerate_sends_the_documents_again(chat: Chat) -> None:
    chat.send("Summarise", documents=[REPORT])
    chat.server.enqueue(openai_stream([], ["Again."]))
    chat.session.regenerate(chat.conversation_id, endpoint_id="e", model=MODEL)
    chat.finish()
    assert chat.body(1)["messages"] == chat.body(0)["messages"]


def test_the_anthropic_format_puts_the_blocks_in_the_turn(
    tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    with FakeKimiServer("moonshot-anthropic") as server:
        made = make_chat(tmp_path, qloop, server, "anthropic")
        try:
            made.send("Compare these.", documents=[REPORT, NOTES])
            made.send("Thanks.")
            first, second = made.body(0), made.body(1)
        finally:
            qloop.run_until_complete(made.session.shutdown())
            made.database.close()
    assert first["system"] == "Be brief."  # the instructions alone, never a document
    assert first["messages"] == [
        {"role": "user", "content": f"{REPORT_BLOCK}\n\n{NOTES_BLOCK}\n\nCompare these."}
    ]
    assert second["messages"][:1] == first["messages"]
    assert second["system"] == first["system"]
