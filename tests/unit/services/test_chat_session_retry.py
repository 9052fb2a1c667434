"""ChatSession over the loopback server: retries are announced, then the reply arrives."""

from __future__ import annotations

import asyncio

from kimi_desktop.api import Endpoint, KimiClient
from kimi_desktop.domain import MessageStatus
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.store import ConversationRepository, Database
from tests.fakes import FakeKimiServer, openai_stream, provider_error


def test_rate_limit_is_announced_then_the_reply_streams(tmp_path, qloop) -> None:
    with FakeKimiServer("moonshot") as server:
        server.enqueue(provider_error("moonshot", "rate_limit", retry_after=0))
        server.enqueue(openai_stream([], ["Back again."]))
        endpoint = Endpoint("moonshot", "Moonshot", server.base_url)
        repo = ConversationRepository(Database.open(tmp_path / "h.sqlite3"))
        session = ChatSession(
            repo, lambda _id, on_retry: KimiClient(endpoint, server.api_key, on_retry=on_retry)
        )
        notices: list[str] = []
        session.retry_scheduled.connect(lambda _reply, text: notices.append(text))
        conversation = repo.create_conversation()

        session.send(
            conversation.id, "hi", endpoint_id="moonshot", model="kimi-k2.5", thinking=None
        )
        qloop.run_until_complete(asyncio.wait([session.reply_task(conversation.id)], timeout=20))

        assert notices == ["The endpoint is busy (rate limit or overload) — retrying in 1 s…"]
        reply = repo.messages(conversation.id)[-1]
        assert reply.status is MessageStatus.COMPLETE
        assert reply.text == "Back again."
        assert len(server.chat_requests) == 2
