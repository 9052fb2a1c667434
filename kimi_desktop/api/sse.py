"""Server-sent events, read the way Kimi providers and their gateways really send them.

Why not httpx-sse's ``EventSource``: it refuses a body whose content type is
not ``text/event-stream`` (some gateways label a stream ``text/plain`` or
``application/json``), it hands on blocks that carry no data (``event: ping``
alone, ``retry:``, ``id:``, an empty ``data:``), which no parser can read, and
it drops the last event when the body ends without its blank line. Lines end
at CR, LF or CRLF only, never at U+2028, which Moonshot sends raw inside JSON.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass

_EOL = re.compile(r"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"
#: How a body that is an event stream can start; JSON never starts so.
_SSE_STARTS = (b"data:", b"event:", b":", b"id:", b"retry:")
#: Enough of the body's start to tell an event stream from JSON.
_SNIFF_BYTES = 8


@dataclass(frozen=True, slots=True)
class SseEvent:
    """One dispatched event: its ``event:`` name ("" when unnamed) and its data."""

    event: str
    data: str


def looks_like_sse(head: bytes) -> bool:
    """Whether a body that starts with ``head`` is an event stream, whatever its label."""
    return head.removeprefix(_BOM).lstrip().startswith(_SSE_STARTS)


async def peek(chunks: AsyncIterator[bytes]) -> bytes:
    """The first bytes of a body, enough for :func:`looks_like_sse`; the rest stays unread."""
    head = b""
    async for chunk in chunks:
        head += chunk
        if len(head.removeprefix(_BOM).lstrip()) >= _SNIFF_BYTES:
            break
    return head


async def chain(head: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """``head`` (what :func:`peek` took) followed by the rest of the body."""
    if head:
        yield head
    async for chunk in rest:
        yield chunk


class _Lines:
    """Splits decoded text into lines; a CR at a chunk's end may be half of a CRLF."""

    def __init__(self) -> None:
        self._rest = ""

    def feed(self, text: str) -> list[str]:
        text = self._rest + text
        held = "\r" if text.endswith("\r") else ""
        lines = _EOL.split(text[:-1] if held else text)
        self._rest = lines.pop() + held
        return lines

    def flush(self) -> list[str]:
        """The last line, if the body ended without a line break."""
        lines = _EOL.split(self._rest)
        self._rest = ""
        last = lines.pop()
        return [*lines, last] if last else lines


class _Events:
    """Builds events from lines per the WHATWG rules, minus reconnection (never used)."""

    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []

    def line(self, line: str) -> SseEvent | None:
        if not line:
            return self.dispatch()
        if line.startswith(":"):  # a comment: keep-alives
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        return None  # id: and retry: steer reconnection, which a chat reply never does

    def dispatch(self) -> SseEvent | None:
        """The event built so far, or ``None`` when it has no data to parse."""
        event, data = self._event, "\n".join(self._data)
        self._event, self._data = "", []
        return SseEvent(event, data) if data.strip() else None


async def aiter_events(chunks: AsyncIterator[bytes]) -> AsyncGenerator[SseEvent, None]:
    """The events of a body, in order.

    When the body ends cleanly, the last event is delivered even without its
    closing blank line. A transport error propagates at once, so a cut-off
    event (or half a UTF-8 character) is never delivered.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    lines, events = _Lines(), _Events()
    async for chunk in chunks:
        for line in lines.feed(decoder.decode(chunk)):
            if (event := events.line(line)) is not None:
                yield event
    for line in [*lines.feed(decoder.decode(b"", final=True)), *lines.flush()]:
        if (event := events.line(line)) is not None:
            yield event
    if (event := events.dispatch()) is not None:
        yield event
