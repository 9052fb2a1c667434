"""``KimiClient.stream_chat_batches``: the events of ``stream_chat``, a network read at a time."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from kimi_desktop.api import (
    ChatRequest,
    ContentDelta,
    Endpoint,
    Finish,
    KimiClient,
    Message,
    ProtocolError,
)

ENDPOINT = Endpoint("local", "Local", "http://127.0.0.1:9/v1")
REQUEST = ChatRequest(model="kimi-k2.5", messages=[Message(role="user", text="hi")])


def chunk(text: str) -> str:
    return "data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": text}}]}) + "\n\n"


class Pieces(httpx.AsyncByteStream):
    """A body that arrives in the given pieces, one network read each."""

    def __init__(self, pieces: list[str]) -> None:
        self._pieces = pieces

    async def __aiter__(self):  # type: ignore[override]
        for piece in self._pieces:
            await asyncio.sleep(0)
            yield piece.encode()


def client_for(pieces: list[str]) -> KimiClient:
    def answer(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=Pieces(pieces)
        )

    return KimiClient(ENDPOINT, "key", transport=httpx.MockTransport(answer))


async def batches_of(client: KimiClient) -> list[list[object]]:
    async with client:
        return [batch async for batch in client.stream_chat_batches(REQUEST)]


def test_each_read_is_one_batch_and_together_they_are_the_stream() -> None:
    finish = 'data: {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}\n\n'
    pieces = [chunk("a") + chunk("b"), chunk("c")[:9], chunk("c")[9:] + finish + "data: [DONE]\n\n"]

    batches = asyncio.run(batches_of(client_for(pieces)))

    assert batches[0] == [ContentDelta("a"), ContentDelta("b")]
    assert batches[1][0] == ContentDelta("c")  # the event cut between reads, whole
    assert isinstance(batches[-1][-1], Finish)
    assert all(batches)  # never an empty batch (the half event's read yields none)

    async def events() -> list[object]:
        async with client_for(pieces) as client:
            return [event async for event in client.stream_chat(REQUEST)]

    assert [event for batch in batches for event in batch] == asyncio.run(events())


def test_a_damaged_event_raises_after_the_events_read_before_it() -> None:
    pieces = [chunk("kept ") + chunk("too") + "data: {not json\n\n" + chunk("never")]
    delivered: list[object] = []

    async def read() -> None:
        async with client_for(pieces) as client:
            async for batch in client.stream_chat_batches(REQUEST):
                delivered.extend(batch)

    with pytest.raises(ProtocolError):
        asyncio.run(read())
    assert delivered == [ContentDelta("kept "), ContentDelta("too")]
