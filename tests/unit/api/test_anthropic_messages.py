"""The Anthropic Messages format, as Moonshot (``/anthropic``) and kimi-k2.ai serve it.

Covers the URL rule (a base ending in ``/v1`` gets ``/messages``, any other
``/v1/messages``), the headers, the body (top-level ``system``, mandatory
``max_tokens``, image blocks, the thinking switch) and the event mapping.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from kimi_desktop.api import (
    ApiError,
    ChatRequest,
    ContentDelta,
    Finish,
    ImageData,
    Message,
    NetworkError,
    ReasoningDelta,
    Usage,
)
from tests.fakes import (
    ANTHROPIC_PING,
    ANTHROPIC_TEXT,
    ANTHROPIC_THINKING,
    FakeKimiServer,
    anthropic_stream,
    json_reply,
    sse_data,
)
from tests.unit.api.support import assert_event_order, chat, collect, make_client

StartServer = Callable[..., FakeKimiServer]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(48))
DEFAULT_EVENTS = [
    *(ReasoningDelta(t) for t in ANTHROPIC_THINKING),
    *(ContentDelta(t) for t in ANTHROPIC_TEXT),
    Usage(prompt_tokens=16, completion_tokens=30, cached_tokens=4),
    Finish("stop"),
]


async def sent_body(
    server: FakeKimiServer, request: ChatRequest, **client_args: Any
) -> dict[str, Any]:
    async with make_client(server, **client_args) as client:
        outcome = await collect(client, request)
    assert outcome.error is None, outcome.error
    [recorded] = server.chat_requests
    body: dict[str, Any] = recorded.json()
    return body


def block_texts(content: str | list[dict[str, Any]]) -> list[str]:
    if isinstance(content, str):
        return [content]
    return [block["text"] for block in content if block["type"] == "text"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("dialect", "path"),
    [("moonshot-anthropic", "/anthropic/v1/messages"), ("kimik2", "/api/v1/messages")],
)
async def test_url_and_headers(fake_server: StartServer, dialect: str, path: str) -> None:
    server = fake_server(dialect)
    await sent_body(server, chat(), protocol="anthropic")
    [recorded] = server.chat_requests
    assert recorded.path == path
    assert recorded.headers["x-api-key"] == "test-key"
    assert recorded.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in recorded.headers


@pytest.mark.asyncio
async def test_body_has_top_level_system_and_always_max_tokens(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    request = ChatRequest(
        model="kimi-k2.5",
        messages=[
            Message("system", "Be brief."),
            Message("system", "Answer in French."),
            Message("user", "Hello"),
            Message("assistant", "Bonjour"),
            Message("user", "Again"),
        ],
    )
    body = await sent_body(server, request)
    assert body["model"] == "kimi-k2.5"
    assert body["stream"] is True
    assert isinstance(body["system"], str)
    assert "Be brief." in body["system"]
    assert "Answer in French." in body["system"]
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert [block_texts(m["content"]) for m in body["messages"]] == [
        ["Hello"],
        ["Bonjour"],
        ["Again"],
    ]
    assert isinstance(body["max_tokens"], int)
    assert body["max_tokens"] > 0
    for absent in ("thinking", "temperature", "top_p"):
        assert absent not in body


@pytest.mark.asyncio
async def test_requested_max_tokens_is_sent(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    body = await sent_body(server, chat(max_tokens=77))
    assert body["max_tokens"] == 77


@pytest.mark.asyncio
async def test_thinking_enabled_with_a_budget_the_api_accepts(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    body = await sent_body(server, chat(thinking=True))
    thinking = body["thinking"]
    assert thinking["type"] == "enabled"
    # Anthropic's rule: 1024 <= budget_tokens < max_tokens.
    assert isinstance(thinking["budget_tokens"], int)
    assert 1024 <= thinking["budget_tokens"] < body["max_tokens"]


@pytest.mark.asyncio
@pytest.mark.parametrize("max_tokens", [1, 500, 1024, 1025, 1500, 2048, 2049, 4096])
async def test_thinking_budget_is_valid_for_any_max_tokens(
    fake_server: StartServer, max_tokens: int
) -> None:
    """Anthropic's rule, 1024 <= budget_tokens < max_tokens, with room kept for the answer."""
    server = fake_server("moonshot-anthropic")
    body = await sent_body(server, chat(thinking=True, max_tokens=max_tokens))
    budget = body["thinking"]["budget_tokens"]
    assert 1024 <= budget < body["max_tokens"]
    assert body["max_tokens"] >= max_tokens
    assert body["max_tokens"] - budget >= 1024  # the answer is not squeezed out by thinking


@pytest.mark.asyncio
async def test_thinking_disabled(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    body = await sent_body(server, chat(thinking=False))
    assert body["thinking"] == {"type": "disabled"}


@pytest.mark.asyncio
async def test_user_images_become_base64_image_blocks(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    message = Message("user", "What is this?", images=(ImageData("image/png", PNG),))
    body = await sent_body(server, ChatRequest(model="kimi-k2.5", messages=[message]))
    [sent] = body["messages"]
    images = [block for block in sent["content"] if block["type"] == "image"]
    assert images == [
        {
            "type": "image",
            "source": {
                "type": "base64",
                "media_type": "image/png",
                "data": base64.b64encode(PNG).decode(),
            },
        }
    ]
    assert block_texts(sent["content"]) == ["What is this?"]


@pytest.mark.asyncio
async def test_thinking_and_text_deltas_with_usage(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == DEFAULT_EVENTS
    assert_event_order(outcome.events)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("stop_reason", "finish"),
    [("end_turn", "stop"), ("max_tokens", "length"), ("tool_use", "tool_calls")],
)
async def test_stop_reasons(fake_server: StartServer, stop_reason: str, finish: str) -> None:
    server = fake_server("moonshot-anthropic")
    tools = [{"id": "toolu_01", "name": "get_weather", "input_json": ['{"city": ', '"Paris"}']}]
    server.enqueue(
        anthropic_stream(
            [],
            ["Checking."],
            {"input_tokens": 5, "output_tokens": 9},
            stop_reason=stop_reason,
            tool_use=tools if stop_reason == "tool_use" else (),
        )
    )
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.finish is not None
    assert outcome.finish.reason == finish
    assert outcome.content == "Checking."


@pytest.mark.asyncio
async def test_prompt_tokens_include_cache_reads_and_writes(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    usage = {
        "input_tokens": 10,
        "cache_read_input_tokens": 5,
        "cache_creation_input_tokens": 3,
        "output_tokens": 7,
    }
    server.enqueue(anthropic_stream([], ["ok"], usage))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.usages == [Usage(prompt_tokens=18, completion_tokens=7, cached_tokens=5)]


@pytest.mark.asyncio
async def test_pings_signatures_and_unknown_events_are_ignored(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    unknown = sse_data(
        {"type": "content_block_citation", "index": 1}, event="content_block_citation"
    )
    reply = (
        anthropic_stream(
            ANTHROPIC_THINKING,
            ANTHROPIC_TEXT,
            {"input_tokens": 12, "cache_read_input_tokens": 4, "output_tokens": 30},
        )
        .with_event(3, unknown)
        .with_heartbeats(ANTHROPIC_PING)
        .with_newlines(b"\r\n")
        .split(5)
    )
    server.enqueue(reply)
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == DEFAULT_EVENTS


@pytest.mark.asyncio
async def test_json_message_answered_to_a_streaming_request(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    usage = {"input_tokens": 8, "cache_read_input_tokens": 2, "output_tokens": 5}
    server.enqueue(json_reply(protocol="anthropic", reasoning="Hmm.", content="Oui.", usage=usage))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [
        ReasoningDelta("Hmm."),
        ContentDelta("Oui."),
        Usage(prompt_tokens=10, completion_tokens=5, cached_tokens=2),
        Finish("stop"),
    ]


@pytest.mark.asyncio
async def test_error_event_mid_stream(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    error = sse_data(
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        event="error",
    )
    server.enqueue(
        anthropic_stream([], ["partial", " text", " more"]).truncated(5).with_event(5, error)
    )
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ApiError)
    assert outcome.content == "partial text"
    assert outcome.finish is None
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_dropped_stream_keeps_partial_text(fake_server: StartServer) -> None:
    server = fake_server("moonshot-anthropic")
    server.enqueue(anthropic_stream([], ["partial", " text", " more"]).dropped(after_events=5))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, NetworkError)
    assert outcome.content == "partial text"
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("dialect", "path"),
    [("moonshot-anthropic", "/anthropic/v1/models"), ("kimik2", "/api/v1/models")],
)
async def test_listing_models_sends_the_messages_auth_and_bearer(
    fake_server: StartServer, dialect: str, path: str
) -> None:
    """kimi-k2.ai documents ``/v1/models`` with Bearer only (the OpenAI client); Moonshot's
    ``/anthropic`` base takes ``x-api-key``. The model list must work on both."""
    server = fake_server(dialect)
    async with make_client(server, protocol="anthropic") as client:
        models = await client.list_models()
    assert models
    [recorded] = server.requests
    assert recorded.path == path
    assert recorded.headers["x-api-key"] == "test-key"
    assert recorded.headers["anthropic-version"] == "2023-06-01"
    assert recorded.headers["authorization"] == "Bearer test-key"
