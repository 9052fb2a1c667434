"""The API key never reaches an error's message, detail or repr, nor any object's repr.

Errors raised from inside a 200 stream and damaged chunks carry text the
provider sent, and providers echo keys; every such text must be redacted like
the bodies of non-2xx answers are. The key here is not shaped like ``sk-...``,
so only redaction of the client's own key can hide it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kimi_desktop.api import ApiError, Endpoint, ProtocolError, describe
from kimi_desktop.api.dialects import dialect_for
from tests.fakes import (
    FakeKimiServer,
    Reply,
    anthropic_stream,
    error_reply,
    json_reply,
    moonshot_stream,
    sse_data,
)
from tests.unit.api.support import collect, make_client

StartServer = Callable[..., FakeKimiServer]

KEY = "tok_7c1e5a90b3d2f8e4aa"


def assert_no_key(error: ApiError | None) -> None:
    assert error is not None
    for text in (str(error), repr(error), error.message, error.detail or "", describe(error)):
        assert KEY not in text, text
        assert KEY[:8] not in text, text
    assert all(KEY not in str(arg) for arg in error.args)


#: A Moonshot-shaped key, for the echoes that drop its ``sk-`` or keep only its end.
SK_KEY = "sk-Zq4vR8tLm2Xc7Pw9Nd3Hy6Bf1Kj5Gs0A"


def assert_no_run_of_the_key(error: ApiError | None, key: str) -> None:
    """No eight consecutive characters of ``key`` in anything the error shows."""
    assert error is not None
    runs = {key[i : i + 8] for i in range(len(key) - 7)}
    texts = (str(error), repr(error), error.message, error.detail or "", describe(error))
    for text in (*texts, *map(str, error.args)):
        assert not [run for run in runs if run in text], text


def echoing_error(error_type: str) -> dict[str, object]:
    return {"message": f"API key {KEY} is not allowed to use this model", "type": error_type}


@pytest.mark.asyncio
async def test_error_event_inside_an_openai_stream_is_redacted(fake_server: StartServer) -> None:
    server = fake_server("moonshot", api_key=KEY)
    event = {"error": echoing_error("permission_denied_error")}
    server.enqueue(moonshot_stream().truncated(2).with_event(2, event))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ApiError)
    assert outcome.error.detail  # the provider's words are kept, without the key
    assert_no_key(outcome.error)


@pytest.mark.asyncio
async def test_error_event_inside_an_anthropic_stream_is_redacted(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot-anthropic", api_key=KEY)
    event = sse_data({"type": "error", "error": echoing_error("permission_error")}, event="error")
    server.enqueue(anthropic_stream([], ["partial"]).truncated(3).with_event(3, event))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ApiError)
    assert outcome.error.detail
    assert_no_key(outcome.error)


@pytest.mark.asyncio
@pytest.mark.parametrize("dialect", ["moonshot", "moonshot-anthropic"])
async def test_a_damaged_chunk_that_echoes_the_key_is_redacted(
    fake_server: StartServer, dialect: str
) -> None:
    server = fake_server(dialect, api_key=KEY)
    damaged = f'data: {{"echo":"{KEY}","choices":[{{"index":0,"delta":{{"content":"x\n\n'
    stream = moonshot_stream() if dialect == "moonshot" else anthropic_stream([], ["partial"])
    server.enqueue(stream.truncated(2).with_event(2, damaged.encode()))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError)
    assert outcome.error.code == "malformed_chunk"
    assert_no_key(outcome.error)


@pytest.mark.asyncio
@pytest.mark.parametrize("dialect", ["moonshot", "moonshot-anthropic"])
async def test_an_error_body_answered_with_200_is_redacted(
    fake_server: StartServer, dialect: str
) -> None:
    server = fake_server(dialect, api_key=KEY)
    body: dict[str, object] = {"error": echoing_error("permission_denied_error")}
    if dialect == "moonshot-anthropic":
        body = {"type": "error", "error": echoing_error("permission_error")}
    server.enqueue(json_reply(body))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ApiError)
    assert_no_key(outcome.error)


def partial_echo(how: str, echo: str) -> Reply:
    message = f"Incorrect API key provided: {echo}. Find your key at platform.moonshot.ai"
    error = {"message": message, "type": "invalid_authentication_error"}
    if how == "error-body":
        return error_reply(401, {"error": error})
    if how == "error-event":
        return moonshot_stream().truncated(2).with_event(2, {"error": error})
    damaged = f'data: {{"echo":"{echo}","choices":[{{"index":0,"delta":{{"content":"x\n\n'
    return moonshot_stream().truncated(2).with_event(2, damaged.encode())


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["error-body", "error-event", "damaged-chunk"])
@pytest.mark.parametrize(
    "echo",
    [SK_KEY[3:], SK_KEY[-12:], SK_KEY[-16:], f"{SK_KEY[:7]}...{SK_KEY[-9:]}"],
    ids=["without-prefix", "last-12", "last-16", "masked-middle"],
)
async def test_a_partly_echoed_key_never_reaches_the_error(
    fake_server: StartServer, how: str, echo: str
) -> None:
    server = fake_server("moonshot", api_key=SK_KEY)
    server.enqueue(partial_echo(how, echo))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ApiError)
    assert_no_run_of_the_key(outcome.error, SK_KEY)
    if how != "damaged-chunk":
        detail = outcome.error.detail or ""
        assert "[redacted]" in detail
        assert "Find your key at platform.moonshot.ai" in detail  # the words around it stay


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
def test_a_dialect_repr_holds_no_key_or_auth_header(protocol: str) -> None:
    endpoint = Endpoint(
        id="e",
        name="E",
        base_url="https://api.example.invalid/v1",
        protocol=protocol,  # type: ignore[arg-type]
    )
    text = repr(dialect_for(endpoint, KEY))
    assert KEY not in text
    assert "Bearer" not in text
    assert "x-api-key" not in text
