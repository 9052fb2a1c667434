"""The SSE reader against bytes split at exact places, without sockets.

A socket may merge writes; an in-memory transport does not, so these tests pin
chunk boundaries inside ``data:``, between ``\\r`` and ``\\n`` and inside UTF-8
characters, and sweep every possible two-piece split of a small stream.
"""

from __future__ import annotations

import httpx
import pytest

from kimi_desktop.api import ContentDelta, Finish, NetworkError, ReasoningDelta, Usage
from tests.fakes import ACEDATA_STREAM, openai_stream, split_at, split_every, sse_transport
from tests.unit.api.support import assert_event_order, collect, make_client

SMALL = openai_stream(
    ["思考\u2028"],
    ["潮の", "音\r\n"],
    {"prompt_tokens": 3, "completion_tokens": 4, "cached_tokens": 1},
    merge_boundary=True,
).with_newlines(b"\r\n")
SMALL_EVENTS = [
    ReasoningDelta("思考\u2028"),
    ContentDelta("潮の"),
    ContentDelta("音\r\n"),
    Usage(3, 4, 1),
    Finish("stop", reasoning_field="reasoning_content"),
]


async def run(chunks: list[bytes]) -> list[object]:
    transport = sse_transport(chunks)
    async with make_client(transport=transport) as client:
        outcome = await collect(client)
    assert outcome.error is None, outcome.error
    return list(outcome.nonempty())


@pytest.mark.asyncio
async def test_acedata_stream_one_byte_at_a_time() -> None:
    transport = sse_transport(split_every(ACEDATA_STREAM, 1))
    async with make_client(transport=transport) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.content == " Hello! How can I help you today?"
    assert outcome.reasoning.endswith(
        " open-ended to encourage them to share what they need help with. "
    )
    assert outcome.usages == [Usage(9, 135, 0)]
    assert outcome.finish == Finish("stop", reasoning_field="reasoning_content")
    assert_event_order(outcome.events)
    [request] = transport.requests
    assert request.url.path == "/v1/chat/completions"


@pytest.mark.asyncio
async def test_every_two_piece_split_gives_the_same_events() -> None:
    body = SMALL.body
    for offset in range(1, len(body)):
        assert await run(split_at(body, offset)) == SMALL_EVENTS, f"split at byte {offset}"


@pytest.mark.asyncio
async def test_awkward_three_piece_splits() -> None:
    body = SMALL.body
    inside_cjk = body.index("潮".encode()) + 1
    between_cr_lf = body.index(b"\r\n\r\n") + 1
    inside_prefix = body.index(b"data:", 10) + 3
    for offsets in [
        (inside_cjk, between_cr_lf),
        (inside_prefix, inside_cjk),
        (between_cr_lf, inside_prefix),
    ]:
        assert await run(split_at(body, *sorted(offsets))) == SMALL_EVENTS


@pytest.mark.asyncio
async def test_data_field_without_a_space_after_the_colon() -> None:
    body = openai_stream([], ["no", " space"]).body.replace(b"data: ", b"data:")
    assert await run([body]) == [ContentDelta("no"), ContentDelta(" space"), Finish("stop")]


@pytest.mark.asyncio
async def test_comments_and_unnamed_ping_events_are_ignored() -> None:
    reply = (
        openai_stream([], ["a", "b"])
        .with_heartbeats(b": ping\n\n")
        .with_heartbeats(b"event: ping\ndata: {}\n\n")
    )
    assert await run(split_every(reply.body, 3)) == [
        ContentDelta("a"),
        ContentDelta("b"),
        Finish("stop"),
    ]


@pytest.mark.asyncio
async def test_read_error_after_some_events_raises_after_them() -> None:
    body = openai_stream([], ["kept", " lost"]).body
    keep = body.index(b"lost") - 40
    transport = sse_transport([body[:keep]], error=httpx.ReadError("connection reset"))
    async with make_client(transport=transport) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, NetworkError)
    assert outcome.content == "kept"
    assert len(transport.requests) == 1
    assert all(stream.closed for stream in transport.streams)


@pytest.mark.asyncio
async def test_response_is_closed_after_a_normal_stream() -> None:
    transport = sse_transport([SMALL.body])
    async with make_client(transport=transport) as client:
        outcome = await collect(client)
        assert transport.streams[0].closed
    assert outcome.error is None


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "block",
    [
        b"event: ping\n\n",
        b"retry: 3000\n\n",
        b"id: 7\n\n",
        b"data:\n\n",
        b"data: \n\n",
        b"event: ping\ndata:\nid: 8\n\n",
    ],
)
async def test_blocks_without_data_are_ignored(block: bytes) -> None:
    reply = openai_stream([], ["a", "b"]).with_heartbeats(block).with_newlines(b"\r\n")
    assert await run(split_every(reply.body, 3)) == [
        ContentDelta("a"),
        ContentDelta("b"),
        Finish("stop"),
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("tail", [b"\n\n", b"\r\n\r\n", b"\r\r"])
async def test_the_last_event_ends_at_any_blank_line(tail: bytes) -> None:
    body = openai_stream([], ["a"], done=False).body.rstrip(b"\n") + tail
    assert await run(split_every(body, 5)) == [ContentDelta("a"), Finish("stop")]
