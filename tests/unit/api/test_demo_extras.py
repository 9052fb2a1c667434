"""The offline demo answers web search, the tokenizer and the files API like an endpoint."""

from __future__ import annotations

import pytest

from kimi_desktop.api import BadRequestError, ChatRequest, KimiClient, Message, WebSearch
from kimi_desktop.api.demo import DEMO_ENDPOINT
from kimi_desktop.api.demo_transport import DemoTransport
from tests.unit.api.support import collect


def demo_client() -> KimiClient:
    return KimiClient(DEMO_ENDPOINT, "", transport=DemoTransport(0))


@pytest.mark.asyncio
async def test_the_demo_searches_once_then_answers_the_prompt() -> None:
    request = ChatRequest("kimi-k2.5", [Message("user", "show me a table")], web_search=True)
    async with demo_client() as client:
        outcome = await collect(client, request)
    assert outcome.error is None
    assert [e for e in outcome.events if isinstance(e, WebSearch)] == [WebSearch(None)]
    assert "| Model |" in outcome.content
    assert outcome.finish is not None
    assert outcome.finish.reason == "stop"
    assert [t.role for t in outcome.finish.tool_turns] == ["assistant", "tool"]


@pytest.mark.asyncio
async def test_the_demo_counts_tokens_and_reads_no_documents() -> None:
    async with demo_client() as client:
        count = await client.estimate_tokens("kimi-k2.5", [Message("user", "x" * 400)])
        with pytest.raises(BadRequestError) as caught:
            await client.extract_file("notes.txt", b"hello")
    assert 100 <= count <= 110
    assert caught.value.code == "no_files_api"
