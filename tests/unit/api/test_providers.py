"""One test per row of the provider table in docs/architecture.md, each proving that row end to end.

Each test points a client at the fake mounted the way the provider documents it
(base URL prefix, auth header, dialect) and checks what makes that provider
different from the others.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from kimi_desktop.api import BadRequestError, ContentDelta, Finish, Usage
from tests.fakes import (
    ANTHROPIC_TEXT,
    MOONSHOT_CONTENT,
    MOONSHOT_REASONING,
    FakeKimiServer,
    moonshot_stream,
)
from tests.unit.api.support import assert_event_order, collect, make_client

StartServer = Callable[..., FakeKimiServer]


@pytest.mark.asyncio
async def test_moonshot_official(fake_server: StartServer) -> None:
    """``/v1``, Bearer, capabilities in ``/models``, usage in the choice or a trailing chunk."""
    server = fake_server("moonshot")
    assert server.base_url.endswith("/v1")
    server.enqueue(moonshot_stream())
    server.enqueue(moonshot_stream(trailing_usage=True))
    async with make_client(server) as client:
        models = await client.list_models()
        in_choice = await collect(client)
        trailing = await collect(client)
    assert models[0].context_length == 262144
    assert models[0].supports_images is True
    assert models[0].supports_reasoning is True
    for outcome in (in_choice, trailing):
        assert outcome.error is None
        assert outcome.reasoning == "".join(MOONSHOT_REASONING)
        assert outcome.content == "".join(MOONSHOT_CONTENT)
        assert outcome.usages == [Usage(19, 31, 8)]
        assert_event_order(outcome.events)
    assert [r.path for r in server.chat_requests] == ["/v1/chat/completions"] * 2
    assert all(r.headers["authorization"] == "Bearer test-key" for r in server.requests)


@pytest.mark.asyncio
async def test_moonshot_anthropic_endpoint(fake_server: StartServer) -> None:
    """``https://api.moonshot.ai/anthropic``: messages at ``/anthropic/v1/messages``, x-api-key."""
    server = fake_server("moonshot-anthropic")
    assert server.base_url.endswith("/anthropic")
    async with make_client(server, protocol="anthropic") as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.content == "".join(ANTHROPIC_TEXT)
    [request] = server.chat_requests
    assert request.path == "/anthropic/v1/messages"
    assert request.headers["x-api-key"] == "test-key"


@pytest.mark.asyncio
async def test_villamarket(fake_server: StartServer) -> None:
    """``/v1`` with Bearer; ``GET /health`` needs no key and answers ``"healthy"``."""
    server = fake_server("villamarket", api_key="vm-key")
    async with httpx.AsyncClient() as http:
        health = await http.get(server.url + "/health")
    assert health.status_code == 200
    assert health.json() == "healthy"
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.content == "".join(MOONSHOT_CONTENT)
    [request] = server.chat_requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer vm-key"


@pytest.mark.asyncio
async def test_kimi_k2_ai_both_formats_and_credits(fake_server: StartServer) -> None:
    """``/api/v1``: OpenAI with Bearer and Anthropic with X-API-Key; credits in a header."""
    server = fake_server("kimik2", credits=4523)
    async with make_client(server, protocol="openai") as openai:
        openai_outcome = await collect(openai)
        assert openai.credits_remaining == 4522
    async with make_client(server, protocol="anthropic") as anthropic:
        anthropic_outcome = await collect(anthropic)
        assert anthropic.credits_remaining == 4521
    for outcome in (openai_outcome, anthropic_outcome):
        assert outcome.error is None
        assert outcome.content == "Hello there"
        assert outcome.finish == Finish("stop")
    first, second = server.chat_requests
    assert first.path == "/api/v1/chat/completions"
    assert first.headers["authorization"] == "Bearer test-key"
    assert second.path == "/api/v1/messages"
    assert second.headers["x-api-key"] == "test-key"
    assert "authorization" not in second.headers


@pytest.mark.asyncio
async def test_kimi_k2_ai_credits_are_known_after_listing_models(fake_server: StartServer) -> None:
    server = fake_server("kimik2", credits=17)
    async with make_client(server) as client:
        assert client.credits_remaining is None
        await client.list_models()
        assert client.credits_remaining == 17


@pytest.mark.asyncio
async def test_acedata(fake_server: StartServer) -> None:
    """``/kimi``: chat at ``/kimi/chat/completions``, no models endpoint, reasoning shown once."""
    server = fake_server("acedata")
    async with make_client(server) as client:
        outcome = await collect(client)
        with pytest.raises(BadRequestError):
            await client.list_models()
    assert outcome.error is None
    assert outcome.reasoning.startswith(' The user said "Hello". This is a simple greeting')
    assert outcome.reasoning.count("simple greeting") == 1
    assert outcome.content == " Hello! How can I help you today?"
    [request] = server.chat_requests
    assert request.path == "/kimi/chat/completions"
    assert request.headers["authorization"] == "Bearer test-key"


@pytest.mark.asyncio
async def test_any_openai_compatible_local_server(fake_server: StartServer) -> None:
    """llama.cpp-like at ``http://127.0.0.1:PORT/v1``: no key, no reasoning, no usage."""
    server = fake_server("generic", api_key="")
    async with make_client(server, api_key="") as client:
        models = await client.list_models()
        outcome = await collect(client)
    assert [m.id for m in models] == ["local-model"]
    assert outcome.error is None
    assert all(isinstance(e, ContentDelta | Finish) for e in outcome.events)
    assert outcome.content == "Hello from a local model."
    assert outcome.finish == Finish("stop")
    assert all("authorization" not in r.headers for r in server.requests)
