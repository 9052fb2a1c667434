"""Whole JSON answers (a server that ignores ``"stream": true``) are checked like streams.

An error object answered with 200, or an answer without a reply in it, must
raise the ApiError a streamed one would, never end as an empty success.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kimi_desktop.api import (
    ApiError,
    AuthenticationError,
    ProtocolError,
    QuotaError,
    RateLimitError,
    ServerError,
)
from tests.fakes import FakeKimiServer, json_reply, provider_error
from tests.unit.api.support import assert_plain_sentence, collect, make_client

StartServer = Callable[..., FakeKimiServer]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("dialect", "kind", "cls", "code"),
    [
        ("moonshot", "rate_limit", RateLimitError, "rate_limit_reached_error"),
        ("moonshot", "quota", QuotaError, "exceeded_current_quota_error"),
        ("moonshot", "auth", AuthenticationError, "invalid_authentication_error"),
        ("moonshot-anthropic", "overloaded", RateLimitError, "overloaded_error"),
        ("moonshot-anthropic", "server", ServerError, "api_error"),
        ("acedata", "quota", QuotaError, "used_up"),
        ("kimik2", "quota", QuotaError, "insufficient_credits"),
    ],
)
async def test_an_error_body_answered_with_200_raises_the_error(
    fake_server: StartServer, dialect: str, kind: str, cls: type[ApiError], code: str
) -> None:
    server = fake_server(dialect)
    server.enqueue(provider_error(dialect, kind).with_status(200))  # type: ignore[arg-type]
    async with make_client(server) as client:
        outcome = await collect(client)
    assert type(outcome.error) is cls
    assert outcome.error.code == code
    assert outcome.events == []
    assert_plain_sentence(outcome.error.message)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        {"id": "chatcmpl-1", "object": "chat.completion", "choices": []},
        {"id": "chatcmpl-1", "object": "chat.completion", "model": "kimi-k2.5"},
        {"choices": [{"index": 0, "finish_reason": "stop"}]},
        {"choices": [{"index": 3, "message": {"role": "assistant", "content": "other"}}]},
        [],
        "healthy",
    ],
)
async def test_an_openai_answer_without_a_reply_is_a_protocol_error(
    fake_server: StartServer, body: Any
) -> None:
    server = fake_server("moonshot")
    server.enqueue(json_reply(body))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError)
    assert outcome.events == []
    assert_plain_sentence(outcome.error.message)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        {"id": "msg_1", "type": "message", "role": "assistant", "stop_reason": "end_turn"},
        {"id": "msg_1", "type": "message", "content": None},
        ["not", "a", "message"],
    ],
)
async def test_an_anthropic_answer_without_content_is_a_protocol_error(
    fake_server: StartServer, body: Any
) -> None:
    server = fake_server("moonshot-anthropic")
    server.enqueue(json_reply(body))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError)
    assert outcome.events == []
    assert_plain_sentence(outcome.error.message)


@pytest.mark.asyncio
@pytest.mark.parametrize("dialect", ["moonshot", "acedata"])
async def test_an_error_body_instead_of_a_model_list(
    fake_server: StartServer, dialect: str
) -> None:
    server = fake_server(dialect)
    path = server.dialect.base_path + "/models"
    server.override("GET", path, provider_error(dialect, "auth").with_status(200))  # type: ignore[arg-type]
    async with make_client(server) as client:
        with pytest.raises(AuthenticationError):
            await client.list_models()
