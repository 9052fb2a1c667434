"""What the client sends in the OpenAI format: URL, headers and body, as recorded by the fake.

Kimi K2.5 rejects non-default sampling parameters, so anything the user did not
set must be absent from the body, not sent as a default.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from kimi_desktop.api import ChatRequest, ImageData, Message
from tests.fakes import FakeKimiServer
from tests.unit.api.support import chat, collect, make_client

StartServer = Callable[..., FakeKimiServer]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(32))


async def sent_body(
    server: FakeKimiServer, request: ChatRequest, **client_args: Any
) -> dict[str, Any]:
    async with make_client(server, **client_args) as client:
        outcome = await collect(client, request)
    assert outcome.error is None, outcome.error
    [recorded] = server.chat_requests
    body: dict[str, Any] = recorded.json()
    return body


@pytest.mark.asyncio
async def test_url_headers_and_minimal_body(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    request = ChatRequest(
        model="kimi-k2.5",
        messages=[Message("system", "Be brief."), Message("user", "Hello")],
    )
    body = await sent_body(server, request)
    [recorded] = server.chat_requests
    assert recorded.method == "POST"
    assert recorded.path == "/v1/chat/completions"
    assert recorded.headers["authorization"] == "Bearer test-key"
    assert recorded.headers["content-type"].startswith("application/json")
    assert body["model"] == "kimi-k2.5"
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert [(m["role"], m["content"]) for m in body["messages"]] == [
        ("system", "Be brief."),
        ("user", "Hello"),
    ]
    for absent in ("temperature", "top_p", "max_tokens", "thinking"):
        assert absent not in body


@pytest.mark.asyncio
async def test_sampling_and_length_only_when_set(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    body = await sent_body(server, chat(temperature=0.3, max_tokens=512))
    assert body["temperature"] == 0.3
    assert body["max_tokens"] == 512
    assert "top_p" not in body


@pytest.mark.asyncio
@pytest.mark.parametrize(("thinking", "expected"), [(True, "enabled"), (False, "disabled")])
async def test_thinking_switch(fake_server: StartServer, thinking: bool, expected: str) -> None:
    server = fake_server("moonshot")
    body = await sent_body(server, chat(thinking=thinking))
    assert body["thinking"] == {"type": expected}


@pytest.mark.asyncio
async def test_user_images_become_data_url_parts(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    message = Message(
        "user",
        "Make this UI in React",
        images=(ImageData("image/png", PNG), ImageData("image/jpeg", JPEG)),
    )
    body = await sent_body(server, ChatRequest(model="kimi-k2.5", messages=[message]))
    [sent] = body["messages"]
    assert sent["role"] == "user"
    content = sent["content"]
    assert isinstance(content, list)
    texts = [part for part in content if part["type"] == "text"]
    images = [part for part in content if part["type"] == "image_url"]
    assert [part["text"] for part in texts] == ["Make this UI in React"]
    assert [part["image_url"]["url"] for part in images] == [
        "data:image/png;base64," + base64.b64encode(PNG).decode(),
        "data:image/jpeg;base64," + base64.b64encode(JPEG).decode(),
    ]


@pytest.mark.asyncio
async def test_assistant_reasoning_goes_back_as_reasoning_content(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    history = [
        Message("user", "2+2?"),
        Message("assistant", "4", reasoning="Simple addition."),
        Message("user", "And 3+3?"),
    ]
    body = await sent_body(server, ChatRequest(model="kimi-k2.5", messages=history))
    messages = body["messages"]
    assert [(m["role"], m["content"]) for m in messages] == [
        ("user", "2+2?"),
        ("assistant", "4"),
        ("user", "And 3+3?"),
    ]
    assert messages[1]["reasoning_content"] == "Simple addition."
    assert "reasoning_content" not in messages[0]


@pytest.mark.asyncio
async def test_no_authorization_header_without_a_key(fake_server: StartServer) -> None:
    server = fake_server("generic", api_key="")
    await sent_body(server, chat(), api_key="")
    [recorded] = server.chat_requests
    assert "authorization" not in recorded.headers


@pytest.mark.asyncio
async def test_base_url_with_trailing_slash(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    await sent_body(server, chat(), base_url=server.base_url + "/")
    assert [r.path for r in server.chat_requests] == ["/v1/chat/completions"]
