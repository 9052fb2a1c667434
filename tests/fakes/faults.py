"""What the fake server plays: a reply cut into writes, and the faults it can inject.

A :class:`Reply` is a status line, headers and a body cut into *writes*. For a
server-sent-event stream every write is one event block (``data: ...\\n\\n``), so
faults can be placed between events: drop the connection after N events or N
bytes, stall until a test opens a :class:`Gate`, split every write into N-byte
chunks (cutting through multi-byte UTF-8 characters), insert heartbeats or a
malformed event, change the line endings. Replies are immutable: every fault
method returns a new reply, so one builder call can feed several variants.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

Framing = Literal["chunked", "length", "close"]
JsonDict = dict[str, Any]

SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
HTML_CONTENT_TYPE = "text/html"

#: An event whose JSON is cut off mid-object, as a broken proxy would send it.
MALFORMED_EVENT = b'data: {"id":"chatcmpl-x","choices":[{"index":0,"delta":{"content":"lost\n\n'
#: The comment line many gateways send to keep idle connections open.
KEEP_ALIVE = b": keep-alive\n\n"


class Gate:
    """A latch a test opens from any thread to let a stalled reply continue.

    The server's loop waits on it without blocking; ``reached`` is set as soon
    as a reply starts waiting, so a test can tell the stall has begun.
    """

    def __init__(self) -> None:
        self.reached = threading.Event()
        self._opened = threading.Event()
        self._lock = threading.Lock()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    @property
    def is_open(self) -> bool:
        return self._opened.is_set()

    def open(self) -> None:
        """Release every reply waiting on this gate (and any that wait later)."""
        with self._lock:
            self._opened.set()
            waiters = list(self._waiters)
        for loop, future in waiters:
            # RuntimeError: that server already stopped and closed its loop.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_resolve, future)

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if self._opened.is_set():
                return
            entry = (loop, future)
            self._waiters.append(entry)
        self.reached.set()
        try:
            await future
        finally:
            with self._lock:
                self._waiters.remove(entry)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@dataclass(frozen=True)
class Reply:
    """One HTTP answer plus the faults to apply while sending it.

    ``writes`` are sent in order; with ``framing="chunked"`` each write (or each
    ``split_every``-byte piece of it) becomes one HTTP chunk followed by a drain.
    ``event_writes`` marks which writes count as events for ``drop_after_events``
    and ``stall_after_events`` (heartbeats do not). ``tail`` makes more writes on
    the fly after those, ``tail_interval`` seconds apart: a body too large to build
    in memory (see ``hostile.py``); it stops when the client goes away.
    """

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    writes: tuple[bytes, ...] = ()
    event_writes: tuple[bool, ...] = ()
    framing: Framing = "length"
    split_every: int | None = None
    drop_after_events: int | None = None
    drop_after_bytes: int | None = None
    stall_gate: Gate | None = None
    stall_after_events: int | None = None
    tail: Callable[[], Iterable[bytes]] | None = None
    tail_interval: float = 0.0

    @property
    def body(self) -> bytes:
        """The complete body as a faultless server would send it."""
        return b"".join(self.writes)

    @property
    def events(self) -> tuple[bytes, ...]:
        return tuple(
            w for w, is_event in zip(self.writes, self.event_writes, strict=True) if is_event
        )

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    # -- headers ---------------------------------------------------------------

    def with_headers(self, headers: Mapping[str, str]) -> Reply:
        names = {k.lower() for k in headers}
        kept = tuple((k, v) for k, v in self.headers if k.lower() not in names)
        return replace(self, headers=kept + tuple(headers.items()))

    def with_status(self, status: int) -> Reply:
        """The same answer under another status: e.g. an error body sent with 200, as
        gateways that wrap every answer in "200 OK" do."""
        return replace(self, status=status)

    def with_retry_after(self, seconds: float | str) -> Reply:
        value = seconds if isinstance(seconds, str) else f"{seconds:g}"
        return self.with_headers({"Retry-After": value})

    # -- body edits ------------------------------------------------------------

    def with_event(self, index: int, event: bytes | JsonDict) -> Reply:
        """Insert an event before the ``index``-th event (``len(events)`` appends)."""
        raw = event if isinstance(event, bytes) else sse_data(event)
        position = self._write_index(index)
        writes = (*self.writes[:position], raw, *self.writes[position:])
        flags = (*self.event_writes[:position], True, *self.event_writes[position:])
        return replace(self, writes=writes, event_writes=flags)

    def with_malformed_event(self, index: int, event: bytes = MALFORMED_EVENT) -> Reply:
        """Insert an event whose JSON is cut off, before the ``index``-th event."""
        return self.with_event(index, event)

    def truncated(self, events: int) -> Reply:
        """Keep only the first ``events`` events; the body then ends normally."""
        position = self._write_index(events)
        return replace(
            self, writes=self.writes[:position], event_writes=self.event_writes[:position]
        )

    def with_heartbeats(self, line: bytes = KEEP_ALIVE) -> Reply:
        """Send ``line`` (a comment or ``event: ping`` block) before every event."""
        writes: list[bytes] = []
        flags: list[bool] = []
        for write, is_event in zip(self.writes, self.event_writes, strict=True):
            if is_event:
                writes.append(line)
                flags.append(False)
            writes.append(write)
            flags.append(is_event)
        return replace(self, writes=tuple(writes), event_writes=tuple(flags))

    def with_newlines(self, newline: bytes = b"\r\n") -> Reply:
        """Use ``newline`` for SSE line endings (JSON payloads never hold a raw LF)."""
        return replace(self, writes=tuple(w.replace(b"\n", newline) for w in self.writes))

    # -- transport faults --------------------------------------------------------

    def split(self, every: int) -> Reply:
        """Send every write as ``every``-byte chunks, each drained on its own."""
        if every < 1:
            raise ValueError("split size must be positive")
        return replace(self, split_every=every)

    def dropped(self, *, after_events: int | None = None, after_bytes: int | None = None) -> Reply:
        """Close the connection after that many events or body bytes, mid-body."""
        if (after_events is None) == (after_bytes is None):
            raise ValueError("give exactly one of after_events and after_bytes")
        return replace(self, drop_after_events=after_events, drop_after_bytes=after_bytes)

    def stalled(self, gate: Gate, *, after_events: int | None = 0) -> Reply:
        """Send nothing after ``after_events`` events until ``gate`` opens.

        ``after_events=None`` stalls before the status line: the request is read
        and then nothing at all comes back.
        """
        return replace(self, stall_gate=gate, stall_after_events=after_events)

    def with_tail(self, tail: Callable[[], Iterable[bytes]], *, interval: float = 0.0) -> Reply:
        """Send the writes ``tail()`` makes after the others, ``interval`` seconds apart.

        The length is not known in advance, so a ``length``-framed reply becomes chunked.
        """
        framing: Framing = "chunked" if self.framing == "length" else self.framing
        return replace(self, tail=tail, tail_interval=interval, framing=framing)

    def with_framing(self, framing: Framing) -> Reply:
        """``chunked``, ``length`` (Content-Length) or ``close`` (body ends at EOF)."""
        return replace(self, framing=framing)

    def _write_index(self, event_index: int) -> int:
        seen = 0
        for position, is_event in enumerate(self.event_writes):
            if is_event:
                if seen == event_index:
                    return position
                seen += 1
        if event_index > seen:
            raise IndexError(f"reply has only {seen} events")
        return len(self.writes)


# -- low-level helpers ----------------------------------------------------------


def dumps(payload: Any) -> str:
    """Compact JSON with raw UTF-8 (U+2028 stays a raw character, as Moonshot sends it)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def sse_data(payload: JsonDict | str, *, event: str | None = None) -> bytes:
    """One SSE event block: an optional ``event:`` line, a ``data:`` line, a blank line."""
    data = payload if isinstance(payload, str) else dumps(payload)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


def sse_reply(events: Iterable[bytes], headers: Mapping[str, str] | None = None) -> Reply:
    """A 200 event stream with chunked transfer encoding, one write per event."""
    writes = tuple(events)
    return Reply(
        headers=(("Content-Type", SSE_CONTENT_TYPE), ("Cache-Control", "no-cache")),
        writes=writes,
        event_writes=(True,) * len(writes),
        framing="chunked",
    ).with_headers(headers or {})


def sse_from_bytes(raw: bytes, headers: Mapping[str, str] | None = None) -> Reply:
    """Serve ``raw`` unchanged, one write per event block (blocks end at a blank line)."""
    blocks = [block + b"\n\n" for block in raw.split(b"\n\n")]
    blocks[-1] = blocks[-1][:-2]
    return sse_reply([b for b in blocks if b], headers)


def body_reply(
    status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None
) -> Reply:
    """A whole-body answer sent with ``Content-Length``."""
    return Reply(
        status=status,
        headers=(("Content-Type", content_type),),
        writes=(body,) if body else (),
        event_writes=(False,) if body else (),
        framing="length",
    ).with_headers(headers or {})
