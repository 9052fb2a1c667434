"""ChatSession end to end over the offline demo transport (no sockets)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kimi_desktop.api import KimiClient
from kimi_desktop.api.demo import DEMO_ENDPOINT
from kimi_desktop.api.demo_transport import DemoTransport
from kimi_desktop.domain import MessageStatus
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database


def _session(tmp_path: Path) -> tuple[ChatSession, ConversationRepository]:
    repo = ConversationRepository(Database.open(tmp_path / "h.sqlite3"))
    session = ChatSession(
        repo, lambda _id, on_retry: KimiClient(DEMO_ENDPOINT, "", transport=DemoTransport(0))
    )
    return session, repo


def test_reply_streams_into_signals_and_store(tmp_path, qloop) -> None:
    session, repo = _session(tmp_path)
    conversation = repo.create_conversation()
    reasoning, content = [], []
    session.reasoning_received.connect(lambda _id, text: reasoning.append(text))
    session.content_received.connect(lambda _id, text: content.append(text))

    session.send(
        conversation.id, "show me a table", endpoint_id="demo", model="kimi-k2.5", thinking=None
    )
    qloop.run_until_complete(session.reply_task(conversation.id))

    messages = repo.messages(conversation.id)
    assert [m.role for m in messages] == ["user", "assistant"]
    reply = messages[1]
    assert reply.status is MessageStatus.COMPLETE
    assert reply.text == "".join(content)
    assert "| Model |" in reply.text
    assert reply.reasoning == "".join(reasoning)
    assert reply.reasoning
    assert reply.usage is not None
    assert reply.usage.cached_tokens == 16
    assert repo.get_conversation(conversation.id).title == "show me a table"


def test_stop_keeps_partial_text_marked_stopped(tmp_path, qloop) -> None:
    session, repo = _session(tmp_path)
    conversation = repo.create_conversation()
    session.content_received.connect(lambda *_: session.stop(conversation.id))

    session.send(
        conversation.id, "code please", endpoint_id="demo", model="kimi-k2.5", thinking=None
    )
    task = session.reply_task(conversation.id)
    qloop.run_until_complete(asyncio.wait([task]))

    reply = repo.messages(conversation.id)[-1]
    assert reply.status is MessageStatus.STOPPED
    assert reply.text  # the first delta arrived before the stop and is kept
    assert not session.is_running(conversation.id)


def test_quota_error_is_stored_with_a_sentence(tmp_path, qloop) -> None:
    session, repo = _session(tmp_path)
    conversation = repo.create_conversation()
    fixes = []
    session.reply_failed.connect(lambda _id, fix: fixes.append(fix))

    session.send(conversation.id, "error", endpoint_id="demo", model="kimi-k2.5", thinking=None)
    qloop.run_until_complete(asyncio.wait([session.reply_task(conversation.id)]))

    reply = repo.messages(conversation.id)[-1]
    assert reply.status is MessageStatus.ERROR
    assert "balance" in (reply.error or "")
    assert fixes == ["settings"]
