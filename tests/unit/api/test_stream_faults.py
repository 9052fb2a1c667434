"""Streams that go wrong after they started: the partial text survives, nothing is re-sent.

The api seam (docs/architecture.md): an error mid-stream raises after the events
already yielded, and a request whose stream started is never sent again. Each
case here yields some deltas first, then fails in one of the ways real
connections fail.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from kimi_desktop.api import ApiError, NetworkError, ProtocolError
from kimi_desktop.api.retry import RetryPolicy
from tests.fakes import (
    MOONSHOT_CONTENT,
    MOONSHOT_REASONING,
    FakeKimiServer,
    Gate,
    moonshot_stream,
    openai_stream,
)
from tests.unit.api.support import (
    RecordingSleep,
    assert_event_order,
    assert_plain_sentence,
    collect,
    make_client,
)

StartServer = Callable[..., FakeKimiServer]

FULL_REASONING = "".join(MOONSHOT_REASONING)
FULL_CONTENT = "".join(MOONSHOT_CONTENT)


@pytest.mark.asyncio
async def test_dropped_connection_after_some_events(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().dropped(after_events=3))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, NetworkError)
    assert_plain_sentence(outcome.error.message)
    assert outcome.reasoning == "The user wants a haiku"
    assert_event_order(outcome.events, finished=False)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
@pytest.mark.parametrize("split", [None, 1, 2])
async def test_dropped_mid_event_keeps_a_clean_prefix(
    fake_server: StartServer, split: int | None
) -> None:
    reply = moonshot_stream()
    # Cut inside the event that carries the merged reasoning/content delta.
    cut = len(b"".join(reply.events[:4])) + 60
    if split is not None:
        reply = reply.split(split)
    server = fake_server("moonshot")
    server.enqueue(reply.dropped(after_bytes=cut))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, NetworkError)
    assert outcome.reasoning == "The user wants a haiku about the sea;"
    assert outcome.content == ""
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_cut_inside_a_utf8_character_yields_no_replacement_characters(
    fake_server: StartServer,
) -> None:
    reply = openai_stream([], ["潮の音", "海です"], done=False)
    cut = reply.body.index("海".encode()) + 1  # one byte into a three-byte character
    server = fake_server("moonshot")
    server.enqueue(reply.split(1).dropped(after_bytes=cut))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, NetworkError)
    assert outcome.content == "潮の音"
    assert "\ufffd" not in outcome.content
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_malformed_json_chunk_is_a_protocol_error(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().with_malformed_event(3))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError)
    assert_plain_sentence(outcome.error.message)
    assert outcome.reasoning == "The user wants a haiku"
    assert outcome.finish is None
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("framing", ["chunked", "close"])
async def test_stream_that_just_stops_is_an_error(fake_server: StartServer, framing: str) -> None:
    server = fake_server("moonshot")
    reply = openai_stream(["thinking"], ["half an ans", "wer"], finish_reason=None, done=False)
    server.enqueue(reply.with_framing(framing))  # type: ignore[arg-type]
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError | NetworkError)
    assert_plain_sentence(outcome.error.message)
    assert outcome.reasoning == "thinking"
    assert outcome.content == "half an answer"
    assert outcome.finish is None
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_error_object_inside_the_stream(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    error = {
        "error": {
            "message": "The engine is currently overloaded, please try again later",
            "type": "engine_overloaded_error",
        }
    }
    server.enqueue(moonshot_stream().truncated(3).with_event(3, error))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ApiError)
    assert_plain_sentence(outcome.error.message)
    assert outcome.reasoning == "The user wants a haiku"
    assert outcome.finish is None
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_read_stall_mid_stream_times_out(fake_server: StartServer) -> None:
    gate = Gate()
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().stalled(gate, after_events=3))
    try:
        async with make_client(server, timeout=httpx.Timeout(0.5)) as client:
            outcome = await collect(client)
    finally:
        gate.open()
    assert gate.reached.is_set()
    assert isinstance(outcome.error, NetworkError)
    assert_plain_sentence(outcome.error.message)
    assert outcome.reasoning == "The user wants a haiku"
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_no_answer_at_all_times_out(fake_server: StartServer) -> None:
    gate = Gate()
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().stalled(gate, after_events=None))
    try:
        async with make_client(
            server, timeout=httpx.Timeout(0.5), retry=RetryPolicy(max_attempts=1)
        ) as client:
            outcome = await collect(client)
    finally:
        gate.open()
    assert isinstance(outcome.error, NetworkError)
    assert outcome.events == []


@pytest.mark.asyncio
async def test_client_survives_a_fault_and_serves_the_next_request(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().dropped(after_events=2))
    async with make_client(server) as client:
        first = await collect(client)
        second = await collect(client)
    assert isinstance(first.error, NetworkError)
    assert second.error is None
    assert second.reasoning == FULL_REASONING
    assert second.content == FULL_CONTENT
