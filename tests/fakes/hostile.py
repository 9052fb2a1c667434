"""Hostile answers: bodies far larger than any real one, made while they are sent.

A broken gateway or a hostile server can answer with a gigabyte: a gzip bomb, an
endless HTML error page, one event that never ends, a million models, keep-alive
comments forever. These builders make such replies without building them in
memory: each body is a :meth:`~tests.fakes.faults.Reply.with_tail` generator that
makes pieces of at most :data:`PIECE` bytes as the server sends them, and stops
when the client hangs up. Sizes are arguments, so unit tests use a little more
than the client's limits and ``benchmarks/hostile_servers.py`` uses the real
thing. The small malformed answers (``{"data": 5}``, JSON nested thousands deep,
a corrupt gzip body) are here too.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from tests.fakes.faults import (
    HTML_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    KEEP_ALIVE,
    Reply,
    body_reply,
    sse_data,
    sse_reply,
)

#: The largest write a generated body makes.
PIECE = 64 * 1024
#: Filler is compressed this much at a time.
_BLOCK = 1024 * 1024
#: A gzip member header followed by bytes that are not deflate data.
CORRUPT_GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff\xfe\xfd" * 40


def _generated(status: int, content_type: str, pieces: Callable[[], Iterable[bytes]]) -> Reply:
    reply = Reply(status=status, headers=(("Content-Type", content_type),), framing="chunked")
    return reply.with_tail(pieces)


def _filled(head: bytes, filler: bytes, size: int, end: bytes = b"") -> Iterator[bytes]:
    """``head``, then ``filler`` repeated, then ``end``: ``size`` bytes in all."""
    yield head
    block = (filler * (_BLOCK // len(filler) + 1))[:_BLOCK]
    remaining = size - len(head) - len(end)
    while remaining > 0:
        piece = block[: min(remaining, len(block))]
        remaining -= len(piece)
        for start in range(0, len(piece), PIECE):
            yield piece[start : start + PIECE]
    yield end


def _gzipped(pieces: Iterator[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    for piece in pieces:
        out = compressor.compress(piece)
        if out:
            yield out
    yield compressor.flush()


def gzip_bomb(
    size: int,
    *,
    status: int = 200,
    content_type: str = JSON_CONTENT_TYPE,
    head: bytes = b"",
    filler: bytes = b" ",
    end: bytes = b"",
) -> Reply:
    """A ``Content-Encoding: gzip`` body that unpacks to ``size`` bytes (about 1000:1).

    The body is ``head``, ``filler`` repeated, then ``end``, compressed as it is sent:
    a 1 GiB bomb is about 1 MB on the wire.
    """
    reply = _generated(status, content_type, lambda: _gzipped(_filled(head, filler, size, end)))
    return reply.with_headers({"Content-Encoding": "gzip"})


def html_flood(size: int, *, status: int = 500) -> Reply:
    """An HTML error page of ``size`` bytes, as a proxy that dumps a log might send."""
    title = b"<!DOCTYPE html><html><head><title>Internal Server Error</title></head><body>\n"
    line = b"<p>at com.example.Gateway.handle(Gateway.java:42)</p>\n"
    return _generated(
        status, HTML_CONTENT_TYPE, lambda: _filled(title, line, size, b"</body></html>\n")
    )


def huge_event(size: int, *, before: Sequence[bytes] = ()) -> Reply:
    """``before`` (whole events), then one OpenAI chunk whose content is ``size`` bytes."""
    open_event = b'data: {"choices":[{"index":0,"delta":{"content":"'
    close_event = b'"},"finish_reason":null}]}\n\n'
    return sse_reply(before).with_tail(lambda: _filled(open_event, b"x", size, close_event))


def endless_keep_alives(
    before: Sequence[bytes] = (), *, count: int = 100_000, interval: float = 0.0
) -> Reply:
    """``before``, then ``count`` keep-alive comments ``interval`` seconds apart, no end.

    ``count`` keeps the loop bounded; the stream ends without finishing after them.
    """
    return sse_reply(before).with_tail(
        lambda: (KEEP_ALIVE for _ in range(count)), interval=interval
    )


def model_flood(count: int, *, per_piece: int = 1000) -> Reply:
    """A model list with ``count`` models (about 60 bytes each), made as it is sent."""
    template = b'{"id":"model-%07d","object":"model","owned_by":"flood"}'

    def pieces() -> Iterator[bytes]:
        yield b'{"object":"list","data":['
        for first in range(0, count, per_piece):
            batch = b",".join(template % i for i in range(first, min(first + per_piece, count)))
            yield (b"," if first else b"") + batch
        yield b"]}"

    return _generated(200, JSON_CONTENT_TYPE, pieces)


def compressed(reply: Reply, coding: str = "gzip") -> Reply:
    """``reply`` with its body compressed: ``gzip``, ``deflate`` (zlib) or ``raw-deflate``.

    Each write is flushed on its own, so events still arrive one by one. ``raw-deflate``
    is labelled ``deflate``, as servers that send no zlib header do.
    """
    wbits = {"gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS, "raw-deflate": -15}[coding]
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    if not reply.writes:
        raise ValueError("nothing to compress")
    writes = [compressor.compress(w) + compressor.flush(zlib.Z_SYNC_FLUSH) for w in reply.writes]
    writes[-1] += compressor.flush()
    label = "deflate" if coding == "raw-deflate" else coding
    return replace(reply, writes=tuple(writes), event_writes=reply.event_writes).with_headers(
        {"Content-Encoding": label}
    )


def nested_json(depth: int, *, key: str | None = None) -> bytes:
    """JSON arrays nested ``depth`` deep (inside ``{key: ...}`` if given)."""
    inner = "[" * depth + "]" * depth
    return (inner if key is None else f'{{"{key}": {inner}}}').encode()


def corrupt_gzip(status: int = 200, content_type: str = JSON_CONTENT_TYPE) -> Reply:
    """A body labelled ``Content-Encoding: gzip`` whose data cannot be unpacked."""
    return body_reply(status, CORRUPT_GZIP, content_type, {"Content-Encoding": "gzip"})


def nested_event(depth: int) -> bytes:
    """One SSE event whose JSON is nested ``depth`` deep."""
    return sse_data(nested_json(depth, key="choices").decode())


__all__ = [
    "CORRUPT_GZIP",
    "PIECE",
    "compressed",
    "corrupt_gzip",
    "endless_keep_alives",
    "gzip_bomb",
    "html_flood",
    "huge_event",
    "model_flood",
    "nested_event",
    "nested_json",
]
