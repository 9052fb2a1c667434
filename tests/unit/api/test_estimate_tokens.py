"""``KimiClient.estimate_tokens`` against the fake's Moonshot tokenizer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kimi_desktop.api import (
    AuthenticationError,
    BadRequestError,
    ChatRequest,
    ImageData,
    Message,
    ProtocolError,
    QuotaError,
    describe,
    openai_chat,
)
from tests.fakes import FakeKimiServer, captive_portal, json_reply, provider_error
from tests.unit.api.support import assert_plain_sentence, make_client

StartServer = Callable[..., FakeKimiServer]
PATH = "/v1/tokenizers/estimate-token-count"
HISTORY = [
    Message("system", "Answer briefly."),
    Message("user", "What is in this picture?", images=(ImageData("image/png", b"\x89PNG..."),)),
    Message("assistant", "A lighthouse.", reasoning="The picture shows a tower by the sea."),
    Message("user", "Where might it be? 海边？"),
]


@pytest.mark.asyncio
async def test_the_prompt_is_counted_as_chat_would_send_it(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.token_count = 1234
    async with make_client(server) as client:
        assert await client.estimate_tokens("kimi-k2.5", HISTORY) == 1234
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", PATH)
    assert request.headers["authorization"] == f"Bearer {server.api_key}"
    as_chat = openai_chat.build_body(ChatRequest("kimi-k2.5", HISTORY))["messages"]
    assert request.json() == {"model": "kimi-k2.5", "messages": as_chat}


@pytest.mark.asyncio
async def test_moonshots_anthropic_base_counts_through_its_openai_twin(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot-anthropic")
    server.token_count = 7
    async with make_client(server) as client:
        assert await client.estimate_tokens("kimi-k2.5", HISTORY[:1]) == 7
    assert [r.path for r in server.requests] == [PATH]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        {"code": 0, "data": {"total_tokens": "many"}},
        {"code": 0, "data": {"total_tokens": -3}},
        {"code": 0, "data": {"total_tokens": True}},
        {"code": 0, "data": {"total_tokens": 12.5}},
        {"code": 0, "data": None},
        {"code": 0, "total_tokens": 12},
        [12],
        "12",
    ],
)
async def test_a_malformed_count_is_a_protocol_error(fake_server: StartServer, body: Any) -> None:
    server = fake_server("moonshot")
    server.enqueue_for("tokenizer", json_reply(body))
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.estimate_tokens("kimi-k2.5", HISTORY)
    assert caught.value.code == "bad_token_count"
    assert_plain_sentence(caught.value.message)


@pytest.mark.asyncio
async def test_a_web_page_instead_of_a_count(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue_for("tokenizer", captive_portal())
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.estimate_tokens("kimi-k2.5", HISTORY)
    assert caught.value.code == "not_json"


@pytest.mark.asyncio
async def test_provider_errors_keep_their_meaning(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue_for("tokenizer", provider_error("moonshot", "bad_request"))
    server.enqueue_for("tokenizer", provider_error("moonshot", "quota"))
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as refused:
            await client.estimate_tokens("kimi-k2.5", HISTORY)
        with pytest.raises(QuotaError):
            await client.estimate_tokens("kimi-k2.5", HISTORY)
    assert refused.value.status == 400
    assert "invalid temperature" in describe(refused.value)
    assert len(server.requests) == 2  # neither is worth asking again


@pytest.mark.asyncio
async def test_an_error_sent_with_200_is_raised(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    error = {"error": {"message": "Invalid Authentication", "type": "invalid_authentication_error"}}
    server.enqueue_for("tokenizer", json_reply(error))
    async with make_client(server) as client:
        with pytest.raises(AuthenticationError):
            await client.estimate_tokens("kimi-k2.5", HISTORY)


@pytest.mark.asyncio
async def test_a_rejected_key(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server, api_key="sk-not-this-one-42") as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.estimate_tokens("kimi-k2.5", HISTORY)
    assert "sk-not-this-one-42" not in describe(caught.value)


@pytest.mark.asyncio
async def test_an_endpoint_that_cannot_count(fake_server: StartServer) -> None:
    server = fake_server("generic")
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.estimate_tokens("local-model", HISTORY)
    assert caught.value.code == "no_token_count"
    assert caught.value.status == 404
    assert_plain_sentence(caught.value.message)


@pytest.mark.asyncio
async def test_another_anthropic_endpoint_sends_nothing(fake_server: StartServer) -> None:
    server = fake_server("kimik2")
    async with make_client(server, protocol="anthropic") as client:
        with pytest.raises(BadRequestError) as caught:
            await client.estimate_tokens("kimi-k2", HISTORY)
    assert caught.value.code == "no_openai_base"
    assert server.requests == []
