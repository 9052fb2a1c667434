"""EventFramer: the events httpx-sse would deliver, however the text is cut."""

from __future__ import annotations

import random

import pytest
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from kimi_desktop.api.sse import EventFramer

STREAMS = [
    'data: {"a": 1}\n\ndata: {"b": 2}\n\ndata: [DONE]\n\n',
    "data: one\r\n\r\ndata: two\r\rdata: three\n\r",
    ": keep-alive\n\ndata:no space\n\ndata:  two spaces\n\n",
    "event: ping\n\nevent: delta\ndata: x\n\nevent: stop\ndata: y\n\n",
    "data: first line\ndata: second line\n\ndata\n\ndata:\n\ndata: \n\n",
    "id: 7\n\nretry: 100\n\nunknown: field\ndata: kept\n\n",
    "data: cut off at the end\n",
    "data: cut without a newline",
    "data: ends with a lone carriage return\r\r",
    "\r\n\r\n\n\ndata: after blank lines\n\n",
    "data: 中文 and emoji 🎉\n\n",
]


def httpx_sse_events(pieces: list[str]) -> list[tuple[str, str]]:
    """What the client read before: httpx-sse's decoders, blank data skipped."""
    lines_decoder, decoder = SSELineDecoder(), SSEDecoder()
    lines = [line for piece in pieces for line in lines_decoder.decode(piece)]
    lines += lines_decoder.flush()
    events = []
    for line in lines:
        sse = decoder.decode(line.rstrip("\n"))
        if sse is not None and sse.data.strip():
            events.append((sse.event, sse.data))
    return events


def framed(pieces: list[str]) -> list[tuple[str, str]]:
    framer = EventFramer()
    events = [event for piece in pieces for event in framer.feed(piece)]
    return events + framer.finish()


@pytest.mark.parametrize("text", STREAMS)
def test_every_two_way_cut_gives_the_events_httpx_sse_gives(text: str) -> None:
    for cut in range(1, len(text)):
        pieces = [text[:cut], text[cut:]]
        assert framed(pieces) == httpx_sse_events(pieces), repr(pieces)


@pytest.mark.parametrize("seed", range(20))
def test_random_pieces_of_all_streams_give_the_same_events(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.sample(STREAMS, len(STREAMS)))
    pieces, position = [], 0
    while position < len(text):
        size = rng.randint(1, 9)
        pieces.append(text[position : position + size])
        position += size
    assert framed(pieces) == httpx_sse_events(pieces)


def test_an_event_cut_off_at_the_end_is_not_delivered() -> None:
    assert framed(["data: whole\n\ndata: cut"]) == [("message", "whole")]
    assert framed(["data: whole\n\ndata: cut\n"]) == [("message", "whole")]
