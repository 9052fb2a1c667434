"""An in-memory transport that answers with given byte chunks, one read per chunk.

Parser tests need bytes split at exact places (inside ``data:``, between ``\\r``
and ``\\n``, inside a UTF-8 character); a socket may coalesce writes, this never
does. No event loop thread, no port: use it where the network is not the point.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Mapping, Sequence

import httpx


class ChunkStream(httpx.AsyncByteStream):
    """Yields each chunk separately, then raises ``error`` if one is given."""

    def __init__(self, chunks: Sequence[bytes], error: Exception | None = None) -> None:
        self._chunks = list(chunks)
        self._error = error
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk
        if self._error is not None:
            raise self._error

    async def aclose(self) -> None:
        self.closed = True


class SseTransport(httpx.MockTransport):
    """A ``MockTransport`` that records every request and the streams it handed out."""

    def __init__(
        self,
        chunks: Sequence[bytes],
        status: int,
        headers: Mapping[str, str],
        error: Exception | None,
    ) -> None:
        self.requests: list[httpx.Request] = []
        self.streams: list[ChunkStream] = []
        self._chunks = list(chunks)
        self._status = status
        self._headers = dict(headers)
        self._error = error
        super().__init__(self._respond)

    def _respond(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        stream = ChunkStream(self._chunks, self._error)
        self.streams.append(stream)
        return httpx.Response(self._status, headers=self._headers, stream=stream)


def sse_transport(
    chunks: Sequence[bytes],
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    *,
    error: Exception | None = None,
) -> SseTransport:
    """Answer every request with ``chunks`` as separate reads (SSE content type by default).

    ``error`` (e.g. ``httpx.ReadError``) is raised after the last chunk, as a
    dropped connection would.
    """
    return SseTransport(chunks, status, headers or {"content-type": "text/event-stream"}, error)


def split_every(data: bytes, size: int) -> list[bytes]:
    """``data`` cut into ``size``-byte pieces (the last may be shorter)."""
    return [data[i : i + size] for i in range(0, len(data), size)]


def split_at(data: bytes, *offsets: int) -> list[bytes]:
    """``data`` cut at the given offsets."""
    bounds = [0, *sorted(offsets), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]
