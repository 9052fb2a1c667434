"""Event streams as gateways deliver them: mislabelled, without data, without an ending.

A stream labelled ``text/plain`` or ``application/json`` is still a stream when
its body starts like one; blocks that carry no data (``event: ping`` alone,
``retry:``, ``id:``, an empty ``data:``) are ignored in both formats. An event
ends at its blank line (the SSE rule): a body that stops right after ``[DONE]``
still completes, one that stops inside the event carrying the finish does not.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kimi_desktop.api import ContentDelta, Finish, NetworkError, ProtocolError
from tests.fakes import (
    ANTHROPIC_TEXT,
    KEEP_ALIVE,
    MOONSHOT_CONTENT,
    MOONSHOT_REASONING,
    FakeKimiServer,
    Reply,
    anthropic_stream,
    moonshot_stream,
    openai_stream,
)
from tests.unit.api.support import assert_event_order, collect, make_client

StartServer = Callable[..., FakeKimiServer]

WRONG_LABELS = ["text/plain; charset=utf-8", "application/json", "application/octet-stream"]


def without_final_blank_line(reply: Reply) -> Reply:
    """The same stream, its last event ending at ``}`` (or ``[DONE]``) and then EOF."""
    last = reply.writes[-1].rstrip(b"\r\n")
    return Reply(
        status=reply.status,
        headers=reply.headers,
        writes=(*reply.writes[:-1], last),
        event_writes=reply.event_writes,
        framing=reply.framing,
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("content_type", WRONG_LABELS)
async def test_a_mislabelled_openai_stream_is_read_as_a_stream(
    fake_server: StartServer, content_type: str
) -> None:
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().with_headers({"Content-Type": content_type}).split(3))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None, outcome.error
    assert outcome.reasoning == "".join(MOONSHOT_REASONING)
    assert outcome.content == "".join(MOONSHOT_CONTENT)
    assert_event_order(outcome.events)


@pytest.mark.asyncio
async def test_a_mislabelled_stream_that_opens_with_a_comment(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    reply = (
        moonshot_stream().with_heartbeats(KEEP_ALIVE).with_headers({"Content-Type": "text/plain"})
    )
    server.enqueue(reply)
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None, outcome.error
    assert outcome.content == "".join(MOONSHOT_CONTENT)


@pytest.mark.asyncio
async def test_a_mislabelled_anthropic_stream_is_read_as_a_stream(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot-anthropic")
    stream = anthropic_stream([], ANTHROPIC_TEXT, ping=False)
    server.enqueue(stream.with_headers({"Content-Type": "application/json"}))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None, outcome.error
    assert outcome.content == "".join(ANTHROPIC_TEXT)
    assert outcome.finish == Finish("stop")


@pytest.mark.asyncio
async def test_a_mislabelled_body_that_is_neither_is_still_not_json(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.enqueue(
        Reply(
            headers=(("Content-Type", "text/plain"),),
            writes=(b"upstream said: no",),
            event_writes=(False,),
        )
    )
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError)
    assert outcome.error.code == "not_json"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "block", [b"event: ping\n\n", b"retry: 3000\n\n", b"id: 1\n\n", b"data:\n\n"]
)
async def test_anthropic_blocks_without_data_are_ignored(
    fake_server: StartServer, block: bytes
) -> None:
    server = fake_server("moonshot-anthropic")
    server.enqueue(anthropic_stream([], ANTHROPIC_TEXT).with_heartbeats(block))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None, outcome.error
    assert outcome.content == "".join(ANTHROPIC_TEXT)


@pytest.mark.asyncio
@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
async def test_a_clean_end_right_after_done_completes(
    fake_server: StartServer, framing: str
) -> None:
    server = fake_server("moonshot")
    reply = openai_stream([], ["all", " of it"]).with_framing(framing)  # type: ignore[arg-type]
    server.enqueue(without_final_blank_line(reply))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None, outcome.error
    assert outcome.nonempty() == [ContentDelta("all"), ContentDelta(" of it"), Finish("stop")]


@pytest.mark.asyncio
async def test_an_unfinished_last_event_is_not_delivered_and_the_text_is_kept(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    reply = openai_stream([], ["all", " of it"], done=False)  # the finish is the last event
    server.enqueue(without_final_blank_line(reply))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError)
    assert outcome.error.code == "incomplete_stream"
    assert outcome.content == "all of it"


@pytest.mark.asyncio
async def test_anthropic_message_stop_without_a_blank_line_completes(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot-anthropic")
    server.enqueue(without_final_blank_line(anthropic_stream([], ANTHROPIC_TEXT)))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None, outcome.error
    assert outcome.finish == Finish("stop")


@pytest.mark.asyncio
async def test_a_drop_inside_the_last_event_is_not_delivered(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    reply = openai_stream([], ["kept", " lost"], done=False)
    cut = reply.body.index(b"lost") + 2
    server.enqueue(reply.dropped(after_bytes=cut))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, NetworkError)
    assert outcome.content == "kept"
