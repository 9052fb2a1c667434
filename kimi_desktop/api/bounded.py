"""Reading answers within limits, so a broken or hostile server cannot exhaust memory or
hold a reply open forever.

Every body the client reads goes through :class:`Body`. It decompresses gzip and
deflate itself (httpx's decoder inflates a whole network read at once, up to a
thousand times its size) in pieces of at most :data:`PIECE` bytes, so a
decompression bomb grows one piece at a time and is stopped at the cap. Each piece
that arrives is checked against an :class:`IdleClock`: keep-alive comments keep the
socket busy, so the read timeout never fires, but only reply text resets the clock.
:class:`EventText` adds the limits of an event stream (one event, the whole reply)
before the event framer (:mod:`kimi_desktop.api.sse`) buffers anything. The caps
and the reason for each are in :class:`Limits`.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from kimi_desktop.api.errors import (
    damaged_encoding_error,
    event_too_large_error,
    reply_too_large_error,
    stalled_error,
)

KIB = 1024
MIB = 1024 * KIB
#: The largest piece a body is handed on in: one network read, or one step of inflating.
PIECE = 64 * KIB
#: What a client says it can decompress: never brotli or zstd, which it reads unbounded.
ACCEPT_ENCODING = "gzip, deflate"
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of an answer the client reads before it gives up, and for how long.

    ``error_body``: only the start of an error body is read (its first 300
    characters are all a person sees, and an HTML page's title comes first); the
    rest is not downloaded. ``json_body``: a whole JSON answer, a model list or a
    reply the server did not stream. The longest reply Kimi can write (256k tokens,
    about a million characters) is at most ~6 MB even with every character escaped
    as ``\\uXXXX``. ``event``: one server-sent event; a normal one carries a token
    or two in ~250 bytes, and a gateway that buffers a whole reply into one event
    stays within a whole JSON answer's size. ``reply_bytes``: a whole event stream.
    256k tokens at ~250 bytes an event is ~64 MB on the wire; four times that.
    ``reply_chars``: the text of one reply (reasoning and answer), about four times
    the longest Kimi can write. ``models``: the models kept from one list; providers
    list a few dozen, large gateways a few hundred, and a picker with more is of no
    use. ``idle_content``: seconds without reply text (or, reading a whole body,
    without its end) before a reply is given up, even while keep-alive comments
    arrive. Moonshot streams ``reasoning_content`` while the model thinks, so a
    live reply is never silent that long; it matches the read timeout, so a
    keep-alive buys no more time than silence does.
    """

    error_body: int = 1 * MIB
    json_body: int = 8 * MIB
    event: int = 8 * MIB
    reply_bytes: int = 256 * MIB
    reply_chars: int = 4_000_000
    models: int = 2000
    idle_content: float = 180.0


class IdleClock:
    """A deadline ``timeout`` seconds after the last :meth:`touch` (or the start)."""

    def __init__(self, timeout: float, clock: Callable[[], float]) -> None:
        self.timeout = timeout
        self._clock = clock
        self._deadline = clock() + timeout

    def touch(self) -> None:
        """Something worth waiting for arrived: the deadline starts again."""
        self._deadline = self._clock() + self.timeout

    @property
    def expired(self) -> bool:
        return self._clock() > self._deadline


class Body:
    """One response body as it arrives: decompressed, in pieces of at most :data:`PIECE`.

    ``host`` and ``started`` shape the sentence when ``idle`` runs out: ``started``
    says a reply was under way, so its text so far was kept. The pieces come from
    :meth:`next` (or :meth:`pieces`, after :meth:`take_pushed_back`);
    :meth:`push_back` returns a piece read ahead. :meth:`aclose` stops reading
    (the caller closes the response itself).
    """

    def __init__(
        self,
        response: httpx.Response,
        *,
        host: str,
        idle: IdleClock | None = None,
        started: bool = False,
    ) -> None:
        self._host = host
        self._idle = idle
        self._started = started
        self._pushed: list[bytes] = []
        self.pieces = self._arrivals(response)

    async def next(self) -> bytes | None:
        """The next piece, or ``None`` at the end of the body."""
        if self._pushed:
            return self._pushed.pop()
        return await anext(self.pieces, None)

    def push_back(self, chunk: bytes) -> None:
        if chunk:
            self._pushed.append(chunk)

    def take_pushed_back(self) -> list[bytes]:
        """The pieces pushed back, in order; :attr:`pieces` goes on after them."""
        pushed, self._pushed = self._pushed[::-1], []
        return pushed

    async def read_up_to(self, limit: int, *, lenient: bool = False) -> tuple[bytes, bool]:
        """At most ``limit`` bytes, and whether that was the whole body.

        ``lenient``: damaged compression ends the body instead of raising (for an
        error body, whose status says more than its words).
        """
        parts: list[bytes] = []
        size = 0
        try:
            while (chunk := await self.next()) is not None:
                room = limit - size
                if len(chunk) > room:
                    parts.append(chunk[:room])
                    return b"".join(parts), False
                parts.append(chunk)
                size += len(chunk)
        except _Damaged:
            if not lenient:
                raise damaged_encoding_error() from None
            return b"".join(parts), False
        return b"".join(parts), True

    async def peek_start(self, limit: int) -> bytes:
        """The first bytes after any BOM and leading whitespace (up to 16), read ahead.

        What was read is pushed back. Reads at most about ``limit`` bytes of
        whitespace looking for them.
        """
        parts: list[bytes] = []
        size = 0
        start = b""
        try:
            while len(start) < 16 and size <= limit:
                chunk = await self.next()
                if chunk is None:
                    break
                piece = chunk.removeprefix(_BOM) if size == 0 else chunk
                parts.append(chunk)
                size += len(chunk)
                if not start:
                    piece = piece.lstrip()
                start += piece[: 16 - len(start)]
        except _Damaged:
            raise damaged_encoding_error() from None
        for part in reversed(parts):
            self.push_back(part)
        return start

    async def aclose(self) -> None:
        await self.pieces.aclose()

    async def _arrivals(self, response: httpx.Response) -> AsyncGenerator[bytes, None]:
        """Decoded pieces, each checked against the idle clock as it arrives.

        One generator for all of it: every layer costs each network read a
        little, and a stream is thousands of small reads.
        """
        if response.is_stream_consumed:
            # An in-memory answer (a test's or the demo's), read and decoded by httpx.
            content = response.content
            for start in range(0, len(content), PIECE):
                yield content[start : start + PIECE]
            return
        decoder = _decoder_for(response.headers)
        raw = response.aiter_raw()
        idle = self._idle
        try:
            async for chunk in raw:
                if idle is not None and idle.expired:
                    raise stalled_error(self._host, idle.timeout, started=self._started)
                if decoder is not None:
                    for piece in decoder.feed(chunk):
                        yield piece
                elif len(chunk) <= PIECE:
                    yield chunk
                else:
                    for start in range(0, len(chunk), PIECE):
                        yield chunk[start : start + PIECE]
            if decoder is not None:
                for piece in decoder.flush():
                    yield piece
        finally:
            close = getattr(raw, "aclose", None)  # an async generator, typed as an iterator
            if close is not None:
                await close()


class EventText(httpx.Response):
    """An event stream's text, stopped before one event or the reply grows too big.

    The event framer reads only :meth:`aiter_text` (httpx-sse's ``EventSource``,
    which the tests compare it with, reads ``headers`` too). It decodes the
    :class:`Body` as httpx would (the declared charset, else UTF-8, bad bytes
    replaced), after checking each piece: the framer's line and event buffers
    never hold more than one event plus one piece. An event ends at a
    blank line: ``\\n\\n``, ``\\r\\r`` or ``\\n\\r`` (as in ``\\r\\n\\r\\n``), which
    may span pieces.
    """

    def __init__(self, body: Body, limits: Limits, *, status: int, content_type: str) -> None:
        super().__init__(status, headers={"content-type": content_type})
        self._body = body
        self._limits = limits

    async def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        decoder = codecs.getincrementaldecoder(self.encoding or "utf-8")(errors="replace")
        check = _EventSizes(self._limits).check
        try:
            for chunk in self._body.take_pushed_back():
                check(chunk)
                if text := decoder.decode(chunk):
                    yield text
            async for chunk in self._body.pieces:
                check(chunk)
                if text := decoder.decode(chunk):
                    yield text
        except _Damaged:
            raise damaged_encoding_error() from None
        if text := decoder.decode(b"", True):
            yield text


class _EventSizes:
    """Counts an event stream's bytes: the whole reply, and the event not yet ended."""

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._total = 0
        self._open_event = 0  # bytes since the last blank line
        self._last = b""

    def check(self, chunk: bytes) -> None:
        """Raise when ``chunk`` takes the reply or its current event past its limit."""
        self._total += len(chunk)
        if self._total > self._limits.reply_bytes:
            raise reply_too_large_error(self._limits.reply_bytes)
        joined = self._last + chunk
        end = max(joined.rfind(b"\n\n"), joined.rfind(b"\r\r"), joined.rfind(b"\n\r"))
        self._open_event = len(joined) - end - 2 if end >= 0 else self._open_event + len(chunk)
        if self._open_event > self._limits.event:
            raise event_too_large_error(self._limits.event)
        self._last = chunk[-1:]


class _Damaged(Exception):
    """The body's compression cannot be undone."""


class _Inflater:
    """gzip or deflate, undone in steps of at most :data:`PIECE` bytes of output.

    ``wbits=None`` is ``deflate``, which some servers send without its zlib
    header: the first two bytes tell. Like httpx, bytes after the end of the data
    are ignored.
    """

    def __init__(self, wbits: int | None) -> None:
        self._inflater = None if wbits is None else zlib.decompressobj(wbits)
        self._head = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            self._head += data
            if len(self._head) < 2:
                return
            first, second = self._head[0], self._head[1]
            zlib_header = first & 0x0F == 8 and (first << 8 | second) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
            data, self._head = self._head, b""
        inflater = self._inflater
        while True:
            try:
                out = inflater.decompress(data, PIECE)
            except zlib.error:
                raise _Damaged("deflate") from None
            data = inflater.unconsumed_tail
            if out:
                yield out
            # A full piece may leave output pending inside zlib even with no input left.
            if not data and len(out) < PIECE:
                return

    def flush(self) -> Iterator[bytes]:
        if self._inflater is None:
            if self._head:
                raise _Damaged("deflate")
            return
        try:
            rest = self._inflater.flush()
        except zlib.error:
            raise _Damaged("deflate") from None
        for start in range(0, len(rest), PIECE):
            yield rest[start : start + PIECE]


class _Chain:
    """Several content codings, undone from the last applied."""

    def __init__(self, inflaters: list[_Inflater]) -> None:
        self._inflaters = inflaters

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, [data])

    def flush(self) -> Iterator[bytes]:
        for index, inflater in enumerate(self._inflaters):
            yield from self._through(index + 1, inflater.flush())

    def _through(self, index: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        if index == len(self._inflaters):
            yield from pieces
            return
        for piece in pieces:
            yield from self._through(index + 1, self._inflaters[index].feed(piece))


def _decoder_for(headers: httpx.Headers) -> _Inflater | _Chain | None:
    """How to undo the body's ``Content-Encoding``; ``None`` when there is nothing to undo."""
    inflaters: list[_Inflater] = []
    # Applied in the order listed, so undone from the last.
    for coding in reversed(headers.get_list("content-encoding", split_commas=True)):
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            inflaters.append(_Inflater(zlib.MAX_WBITS | 16))
        elif coding == "deflate":
            inflaters.append(_Inflater(None))
        elif coding in ("br", "zstd", "compress", "x-compress"):
            raise _Damaged(coding)  # never asked for; reading it would be unbounded
        # Anything else ("identity", or a label some servers send on plain bodies)
        # passes through, as httpx treats it.
    if not inflaters:
        return None
    return inflaters[0] if len(inflaters) == 1 else _Chain(inflaters)


_LIST_START = re.compile(r'^\ufeff?\s*\[|"data"\s*:\s*\[')
_SPACES = re.compile(r"\s*")


def leading_items(raw: bytes, limit: int) -> list[Any]:
    """Up to ``limit`` whole items of the list a cut-off JSON body begins.

    For a model list too long to read whole: ``[...`` or ``{..."data": [...``.
    Stops at the first item that is cut off or damaged.
    """
    text = raw.decode("utf-8", errors="ignore")
    match = _LIST_START.search(text)
    if match is None:
        return []
    decoder = json.JSONDecoder()
    position = match.end()
    items: list[Any] = []
    while len(items) < limit:
        position = _skip_spaces(text, position)
        try:
            item, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            break
        items.append(item)
        position = _skip_spaces(text, position)
        if not text.startswith(",", position):
            break
        position += 1
    return items


def _skip_spaces(text: str, position: int) -> int:
    match = _SPACES.match(text, position)
    return match.end() if match else position
