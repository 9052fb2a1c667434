"""A reply that fails in a way nobody planned for still ends: saved, explained, retryable."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from kimi_desktop.api import ChatRequest, ContentDelta
from kimi_desktop.domain import MessageStatus
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.store import ConversationRepository, Database


class BrokenClient:
    """Streams some text, then fails with an exception that is no ``ApiError``."""

    credits_remaining = None

    def __init__(self, before_failure: list[str]) -> None:
        self._before_failure = before_failure

    async def __aenter__(self) -> BrokenClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[Any]:
        for text in self._before_failure:
            yield ContentDelta(text)
        raise RuntimeError("a library broke")


def reply_after_failure(tmp_path, qloop, before_failure: list[str]):
    repo = ConversationRepository(Database.open(tmp_path / "h.sqlite3"))
    session = ChatSession(repo, lambda _id, _on_retry: BrokenClient(before_failure))
    conversation = repo.create_conversation()
    session.send(conversation.id, "hi", endpoint_id="moonshot", model="kimi-k2.5", thinking=None)
    qloop.run_until_complete(asyncio.wait([session.reply_task(conversation.id)], timeout=20))
    assert not session.is_running(conversation.id)
    return repo.messages(conversation.id)[-1]


def test_unexpected_failure_keeps_the_partial_reply_as_interrupted(tmp_path, qloop) -> None:
    reply = reply_after_failure(tmp_path, qloop, ["Half an ", "answer"])

    assert reply.status is MessageStatus.INTERRUPTED
    assert reply.text == "Half an answer"
    assert "RuntimeError" in (reply.error or "")
    assert reply.error_fix == "retry"


def test_unexpected_failure_before_any_text_is_an_error_with_retry(tmp_path, qloop) -> None:
    reply = reply_after_failure(tmp_path, qloop, [])

    assert reply.status is MessageStatus.ERROR
    assert reply.error
    assert reply.error_fix == "retry"


def test_a_client_that_cannot_be_built_ends_the_reply_with_a_sentence(tmp_path, qloop) -> None:
    repo = ConversationRepository(Database.open(tmp_path / "h.sqlite3"))

    def unbuildable(_id, _on_retry):
        raise ImportError("Using SOCKS proxy, but the 'socksio' package is not installed.")

    session = ChatSession(repo, unbuildable)
    conversation = repo.create_conversation()
    session.send(conversation.id, "hi", endpoint_id="moonshot", model="kimi-k2.5", thinking=None)
    qloop.run_until_complete(asyncio.wait([session.reply_task(conversation.id)], timeout=20))

    reply = repo.messages(conversation.id)[-1]
    assert reply.status is MessageStatus.ERROR
    assert "ImportError" in (reply.error or "")
