"""Hostile and broken servers: every answer is read within limits and ends in a sentence.

A gzip bomb, a gigabyte error page, one endless event, a million models or
keep-alives forever must neither exhaust memory nor hold a reply open; a model
list that is not a list, JSON nested thousands deep or a damaged gzip body must
end in words a person can act on. The limits are in ``kimi_desktop/api/bounded.py``;
these tests use sizes just above them (small limits where the real ones would be
slow), and ``tracemalloc`` to show that what is held stays bounded.
``benchmarks/hostile_servers.py`` runs the full-size cases and reports peak RSS.
"""

from __future__ import annotations

import itertools
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from kimi_desktop.api import (
    ApiError,
    NetworkError,
    ProtocolError,
    ServerError,
    describe,
)
from kimi_desktop.api.bounded import MIB, Limits, leading_items
from tests.fakes import (
    ANTHROPIC_PING,
    KEEP_ALIVE,
    MOONSHOT_CONTENT,
    MOONSHOT_REASONING,
    FakeKimiServer,
    error_reply,
    json_reply,
    moonshot_stream,
    openai_stream,
    sse_data,
    sse_reply,
    sse_transport,
)
from tests.fakes.faults import HTML_CONTENT_TYPE, SSE_CONTENT_TYPE, body_reply
from tests.fakes.hostile import (
    compressed,
    corrupt_gzip,
    endless_keep_alives,
    gzip_bomb,
    html_flood,
    huge_event,
    model_flood,
    nested_event,
    nested_json,
)
from tests.unit.api.support import (
    assert_event_order,
    assert_plain_sentence,
    collect,
    make_client,
)

StartServer = Callable[..., FakeKimiServer]

DEFAULT = Limits()
FULL_REASONING = "".join(MOONSHOT_REASONING)
FULL_CONTENT = "".join(MOONSHOT_CONTENT)
#: The start of an OpenAI chunk whose content never ends.
OPEN_CONTENT = b'data: {"choices":[{"index":0,"delta":{"content":"'


@dataclass
class Peak:
    """The most memory Python held (all threads) while traced, in bytes."""

    bytes: int = 0


@contextmanager
def traced_peak() -> Iterator[Peak]:
    peak = Peak()
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak.bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


class StepClock:
    """A monotonic clock that moves ``step`` seconds every time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def assert_readable(error: ApiError | None, *, code: str | None = None) -> ApiError:
    assert error is not None, "the stream ended without an error"
    if code is not None:
        assert error.code == code, repr(error)
    assert_plain_sentence(error.message)
    assert not describe(error).startswith("Something unexpected")
    return error


# -- gzip bombs ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_gzip_bomb_instead_of_a_reply_stops_at_the_cap(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(gzip_bomb(DEFAULT.json_body + MIB, head=b'{"choices": ['))
    with traced_peak() as peak:
        async with make_client(server) as client:
            outcome = await collect(client)
    error = assert_readable(outcome.error, code="too_large")
    assert isinstance(error, ProtocolError)
    assert outcome.events == []
    assert peak.bytes < DEFAULT.json_body * 3


@pytest.mark.asyncio
async def test_a_gzip_bomb_inside_a_500_reads_only_its_start(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    bomb = gzip_bomb(
        64 * MIB,
        status=500,
        content_type=HTML_CONTENT_TYPE,
        head=b"<html><head><title>Gateway exploded</title></head><body>",
    )
    server.enqueue(bomb, times=3)
    with traced_peak() as peak:
        async with make_client(server) as client:
            outcome = await collect(client)
    error = assert_readable(outcome.error)
    assert isinstance(error, ServerError)
    assert error.status == 500
    assert "Gateway exploded" in describe(error)
    assert len(server.chat_requests) == 3  # still retried, as any 500
    assert peak.bytes < 8 * MIB


@pytest.mark.asyncio
async def test_a_gzip_bomb_in_an_event_stream_stops_at_the_event_cap(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.enqueue(
        gzip_bomb(
            DEFAULT.event + MIB, content_type=SSE_CONTENT_TYPE, head=OPEN_CONTENT, filler=b"x"
        )
    )
    with traced_peak() as peak:
        async with make_client(server) as client:
            outcome = await collect(client)
    assert_readable(outcome.error, code="event_too_large")
    assert peak.bytes < DEFAULT.event * 2


@pytest.mark.asyncio
async def test_a_gzip_bomb_as_the_model_list(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", gzip_bomb(DEFAULT.json_body + MIB, head=b'{"data": ['))
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.list_models()
    assert_readable(caught.value, code="models_too_large")


# -- huge bodies -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_huge_html_error_page_reads_only_its_start(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(html_flood(32 * MIB, status=500), times=3)
    with traced_peak() as peak:
        async with make_client(server) as client:
            outcome = await collect(client)
    error = assert_readable(outcome.error)
    assert isinstance(error, ServerError)
    assert "Internal Server Error" in describe(error)
    assert peak.bytes < 8 * MIB


@pytest.mark.asyncio
async def test_one_huge_event_stops_the_reply_and_keeps_the_text(
    fake_server: StartServer,
) -> None:
    before = openai_stream(MOONSHOT_REASONING, MOONSHOT_CONTENT, done=False, finish_reason=None)
    server = fake_server("moonshot")
    server.enqueue(huge_event(DEFAULT.event + MIB, before=before.events))
    with traced_peak() as peak:
        async with make_client(server) as client:
            outcome = await collect(client)
    assert_readable(outcome.error, code="event_too_large")
    assert (outcome.reasoning, outcome.content) == (FULL_REASONING, FULL_CONTENT)
    assert_event_order(outcome.events, finished=False)
    assert peak.bytes < DEFAULT.event * 2


@pytest.mark.asyncio
async def test_one_huge_event_in_a_stream_labelled_as_text_is_still_read_as_it_arrives(
    fake_server: StartServer,
) -> None:
    limits = Limits(event=64 * 1024, json_body=128 * 1024)
    reply = huge_event(limits.json_body * 4, before=moonshot_stream().events[:2])
    server = fake_server("moonshot")
    server.enqueue(reply.with_headers({"Content-Type": "text/plain"}))
    async with make_client(server, limits=limits) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="event_too_large")
    assert outcome.reasoning == "The user"


@pytest.mark.asyncio
async def test_a_reply_that_never_ends_stops_at_the_total_cap(fake_server: StartServer) -> None:
    limits = Limits(reply_bytes=256 * 1024)
    empty = sse_data({"choices": [{"index": 0, "delta": {}, "finish_reason": None}]})
    server = fake_server("moonshot")
    server.enqueue(sse_reply([empty] * (limits.reply_bytes // len(empty) + 10)))
    async with make_client(server, limits=limits) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="reply_too_large")


@pytest.mark.asyncio
async def test_reply_text_past_the_cap_stops_the_reply_and_keeps_the_text(
    fake_server: StartServer,
) -> None:
    limits = Limits(reply_chars=1000)
    server = fake_server("moonshot")
    server.enqueue(openai_stream((), ["x" * 100] * 20))
    async with make_client(server, limits=limits) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="reply_too_long")
    assert outcome.content == "x" * 1000


@pytest.mark.asyncio
async def test_many_small_events_are_not_one_big_one(fake_server: StartServer) -> None:
    """The event cap counts from the last blank line, whatever the line endings and splits."""
    limits = Limits(event=1024)
    for newline, split in itertools.product((b"\n", b"\r\n", b"\r"), (None, 1, 7)):
        reply = openai_stream((), ["word "] * 40).with_newlines(newline)
        assert len(reply.body) > 4 * limits.event
        server = fake_server("moonshot")
        server.enqueue(reply if split is None else reply.split(split))
        async with make_client(server, limits=limits) as client:
            outcome = await collect(client)
        assert outcome.error is None, (newline, split, outcome.error)
        assert outcome.content == "word " * 40


# -- keep-alives forever --------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("heartbeat", [KEEP_ALIVE, ANTHROPIC_PING], ids=["comment", "ping"])
async def test_keep_alives_alone_do_not_keep_a_reply_open(heartbeat: bytes) -> None:
    start = openai_stream(["thinking"], (), done=False, finish_reason=None)
    transport = sse_transport([*start.events, *[heartbeat] * 500])
    clock = StepClock(1.0)  # each chunk read is a second later
    async with make_client(transport=transport, clock=clock) as client:
        outcome = await collect(client)
    error = assert_readable(outcome.error, code="stalled")
    assert isinstance(error, NetworkError)
    assert "180 seconds" in error.message
    assert outcome.reasoning == "thinking"
    assert 180 < clock.now < 260  # given up soon after the limit, not at the end


@pytest.mark.asyncio
async def test_reply_text_keeps_a_slow_reply_open() -> None:
    """Keep-alives between deltas are fine: only a long stretch without text ends it."""
    pieces = [f"{i} " for i in range(100)]
    reply = openai_stream((), pieces)
    chunks = [w for write in reply.writes for w in (write, KEEP_ALIVE, KEEP_ALIVE)]
    clock = StepClock(15.0)  # ~4500 s in all, never 180 s without text
    async with make_client(transport=sse_transport(chunks), clock=clock) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.content == "".join(pieces)
    assert clock.now > 10 * DEFAULT.idle_content


@pytest.mark.asyncio
async def test_keep_alives_from_a_real_server_end_in_a_sentence(fake_server: StartServer) -> None:
    start = openai_stream(["thinking"], (), done=False, finish_reason=None)
    server = fake_server("moonshot")
    server.enqueue(endless_keep_alives(start.events, count=100_000))
    clock = StepClock(100.0)
    async with make_client(server, clock=clock) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="stalled")
    assert outcome.reasoning in ("", "thinking")  # chunks may coalesce
    assert server.pending == 0


@pytest.mark.asyncio
async def test_a_whole_answer_that_trickles_forever_ends_in_a_sentence() -> None:
    transport = sse_transport([b" "] * 500, headers={"content-type": "application/json"})
    async with make_client(transport=transport, clock=StepClock(1.0)) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="stalled")


# -- model lists ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_long_model_list_keeps_the_first_models_and_says_so(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", model_flood(DEFAULT.models + 500))
    async with make_client(server) as client:
        assert client.models_truncated is False
        models = await client.list_models()
        assert client.models_truncated is True
    assert len(models) == DEFAULT.models
    assert models[0].id == "model-0000000"
    assert models[-1].id == f"model-{DEFAULT.models - 1:07d}"


@pytest.mark.asyncio
async def test_a_model_list_too_large_to_read_gives_its_first_models(
    fake_server: StartServer,
) -> None:
    count = DEFAULT.json_body // 40  # ~58 bytes each: half again the cap
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", model_flood(count))
    with traced_peak() as peak:
        async with make_client(server) as client:
            models = await client.list_models()
    assert client.models_truncated is True
    assert [m.id for m in models[:2]] == ["model-0000000", "model-0000001"]
    assert len(models) == DEFAULT.models
    assert peak.bytes < DEFAULT.json_body * 3


@pytest.mark.asyncio
async def test_a_large_list_that_fits_is_read_whole_item_by_item(fake_server: StartServer) -> None:
    """Past 1 MB a list is read one model at a time; all of a list under the cap still comes."""
    pad = "p" * 1000
    entries = [{"id": f"m{i}", "description": pad} for i in range(1500)]
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", json_reply({"object": "list", "data": entries}))
    async with make_client(server) as client:
        models = await client.list_models()
        assert client.models_truncated is False
    assert [m.id for m in models] == [f"m{i}" for i in range(1500)]


@pytest.mark.asyncio
async def test_a_large_answer_that_is_not_a_list_ends_in_a_sentence(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", json_reply({"pad": "p" * 2 * MIB, "data": 5}))
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.list_models()
    assert_readable(caught.value, code="bad_models")


@pytest.mark.asyncio
async def test_a_short_model_list_is_not_marked_truncated(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server) as client:
        models = await client.list_models()
        assert client.models_truncated is False
    assert len(models) == 3


@pytest.mark.asyncio
@pytest.mark.parametrize("dialect", ["moonshot", "moonshot-anthropic"])
@pytest.mark.parametrize(
    "body",
    [{"data": 5}, {"data": "kimi"}, {"data": {"id": "kimi"}}, 5, "models"],
    ids=["data-number", "data-string", "data-object", "number", "string"],
)
async def test_a_model_list_that_is_not_a_list_ends_in_a_sentence(
    fake_server: StartServer, dialect: str, body: object
) -> None:
    server = fake_server(dialect)
    path = "/anthropic/v1/models" if dialect == "moonshot-anthropic" else "/v1/models"
    server.override("GET", path, json_reply(body))  # type: ignore[arg-type]
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.list_models()
    assert_readable(caught.value, code="bad_models")


@pytest.mark.asyncio
async def test_strange_model_entries_are_skipped(fake_server: StartServer) -> None:
    entries = [
        {"id": "kimi-k2.5", "owned_by": {"name": "moonshot"}},
        {"id": {"nested": True}},
        {"id": "x" * 10_000},
        {"id": True},
        {"id": 42},
        [1, 2],
    ]
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", json_reply({"data": entries}))
    async with make_client(server) as client:
        models = await client.list_models()
    assert [(m.id, m.owned_by) for m in models] == [("kimi-k2.5", None), ("42", None)]


@pytest.mark.asyncio
async def test_a_deeply_nested_model_list_ends_in_a_sentence(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    raw = nested_json(100_000, key="data")
    server.override("GET", "/v1/models", body_reply(200, raw, "application/json", None))
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.list_models()
    assert_readable(caught.value, code="not_json")
    assert describe(caught.value) == caught.value.message  # no brackets shown


@pytest.mark.asyncio
async def test_a_corrupt_gzip_model_list_ends_in_a_sentence(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", corrupt_gzip())
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.list_models()
    assert_readable(caught.value, code="bad_encoding")


def test_leading_items_of_a_cut_off_list() -> None:
    assert leading_items(b'{"object": "list", "data": [{"id": "a"}, {"id": "b"}, {"id"', 10) == [
        {"id": "a"},
        {"id": "b"},
    ]
    assert leading_items(b"\xef\xbb\xbf  [1, 2, 3, 4", 2) == [1, 2]
    assert leading_items(b'{"models": [1, 2]', 10) == []
    assert leading_items(b'{"data": [' + b"[" * 100_000, 10) == []


# -- damaged and nested bodies ----------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_corrupt_gzip_reply_ends_in_a_sentence(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(corrupt_gzip())
    async with make_client(server) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="bad_encoding")


@pytest.mark.asyncio
async def test_a_corrupt_gzip_stream_ends_in_a_sentence(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(corrupt_gzip(content_type=SSE_CONTENT_TYPE))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="bad_encoding")


@pytest.mark.asyncio
async def test_a_corrupt_gzip_error_body_still_gives_the_status(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(corrupt_gzip(status=401))
    async with make_client(server) as client:
        outcome = await collect(client)
    error = assert_readable(outcome.error)
    assert error.status == 401
    assert "API key" in error.message


@pytest.mark.asyncio
async def test_an_encoding_never_asked_for_ends_in_a_sentence(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(json_reply(content="hi").with_headers({"Content-Encoding": "br"}))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="bad_encoding")
    assert server.chat_requests[0].headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.asyncio
async def test_a_deeply_nested_error_body_still_gives_the_status(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(error_reply(400, nested_json(100_000, key="error")))
    async with make_client(server) as client:
        outcome = await collect(client)
    error = assert_readable(outcome.error)
    assert error.status == 400
    assert describe(error) == error.message  # the brackets stay out of the sentence


@pytest.mark.asyncio
async def test_a_deeply_nested_event_ends_in_a_sentence(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    start = moonshot_stream().events[:2]
    server.enqueue(sse_reply([*start, nested_event(100_000)]))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="malformed_chunk")
    assert outcome.reasoning == "The user"


@pytest.mark.asyncio
async def test_a_deeply_nested_whole_reply_ends_in_a_sentence(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    raw = nested_json(100_000, key="choices")
    server.enqueue(body_reply(200, raw, "application/json", None))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert_readable(outcome.error, code="not_json")


# -- compressed answers still work, byte by byte ---------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
@pytest.mark.parametrize("split", [None, 1])
async def test_compressed_streams_and_answers_read_as_plain_ones(
    fake_server: StartServer, coding: str, split: int | None
) -> None:
    stream = compressed(moonshot_stream(), coding)
    server = fake_server("moonshot")
    server.enqueue(stream if split is None else stream.split(split))
    server.enqueue(compressed(json_reply(content="Whole answer."), coding))
    server.override("GET", "/v1/models", compressed(json_reply({"data": [{"id": "m"}]}), coding))
    async with make_client(server) as client:
        streamed = await collect(client)
        whole = await collect(client)
        models = await client.list_models()
    assert streamed.error is None
    assert (streamed.reasoning, streamed.content) == (FULL_REASONING, FULL_CONTENT)
    assert whole.content == "Whole answer."
    assert [m.id for m in models] == ["m"]


@pytest.mark.asyncio
async def test_a_large_compressed_answer_within_the_cap_is_read_whole(
    fake_server: StartServer,
) -> None:
    """Inflating in pieces must not lose output zlib still holds when a piece is full."""
    text = "".join(f"line {i}: the sea folds into foam.\n" for i in range(60_000))
    server = fake_server("moonshot")
    server.enqueue(compressed(json_reply(content=text), "gzip"))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.content == text
