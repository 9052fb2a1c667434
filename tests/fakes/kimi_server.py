"""A real loopback HTTP/1.1 server that speaks like the Kimi providers, faults included.

Mocked transports cannot drop a TCP connection mid chunked body, hold a socket
open in silence, or cut a chunk in the middle of a UTF-8 character the way a
proxy does; this server can, because it is written on raw asyncio streams and
writes every byte itself. It runs its own event loop in a background thread on
``127.0.0.1`` and a free port, so the same object serves sync tests, asyncio
tests, Qt tests running a qasync loop, and benchmark scripts::

    with FakeKimiServer(dialect="moonshot") as server:
        server.enqueue(provider_error("moonshot", "rate_limit", retry_after=2))
        ...  # point a client at server.base_url with server.api_key
        assert server.chat_requests[0].json()["stream"] is True

Chat requests are answered from the FIFO filled by :meth:`FakeKimiServer.enqueue`,
then with the dialect's default reply. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any

from tests.fakes.builders import json_reply
from tests.fakes.dialects import DIALECTS, Dialect, DialectName, Route
from tests.fakes.faults import Reply
from tests.fakes.provider_errors import provider_error

_HOST = "127.0.0.1"
_START_TIMEOUT = 10.0


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server read it; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: str = ""

    def json(self) -> Any:
        return json.loads(self.body)


class FakeKimiServer:
    """A fake provider endpoint on a loopback port; see the module docstring.

    ``api_key`` is the only key accepted (any other gets the provider's real 401
    body); an empty ``api_key`` accepts anything, like a local server.
    ``credits`` is what kimi-k2.ai reports in ``X-Credits-Remaining``; each
    successful chat request spends one.
    """

    def __init__(
        self,
        dialect: DialectName = "moonshot",
        *,
        api_key: str = "test-key",
        credits: float = 100.0,
    ) -> None:
        self.dialect: Dialect = DIALECTS[dialect]
        self.api_key = api_key
        self.credits = credits
        self.rate_limit = 60
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._overrides: dict[tuple[str, str], Reply] = {}
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._port: int | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    # -- addresses ----------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the fake server is not running")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{_HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """The prefix the provider documents, as a user would paste it in Settings."""
        return self.url + self.dialect.base_path

    # -- scripting ------------------------------------------------------------------

    def enqueue(self, reply: Reply, *, times: int = 1) -> None:
        """Answer the next ``times`` chat (or messages) requests with ``reply``."""
        with self._lock:
            self._queue.extend([reply] * times)

    def override(self, method: str, path: str, reply: Reply) -> None:
        """Always answer ``method path`` (a full path, e.g. ``/v1/models``) with ``reply``."""
        with self._lock:
            self._overrides[(method.upper(), path)] = reply

    @property
    def pending(self) -> int:
        """How many enqueued replies have not been played yet."""
        with self._lock:
            return len(self._queue)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The recorded requests that went to a chat or messages route."""
        paths = {r.path for r in self.dialect.routes if r.kind in ("chat", "messages")}
        return [r for r in self.requests if r.path in paths]

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeKimiServer:
        if self._thread is not None:
            raise RuntimeError("the fake server is already running")
        self._ready.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"FakeKimiServer-{self.dialect.name}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT):
            raise RuntimeError("the fake server did not start")
        if self._start_error is not None:
            self._thread.join()
            self._thread = None
            raise RuntimeError("the fake server could not start") from self._start_error
        return self

    def stop(self) -> None:
        """Close every connection and the listening socket, then end the thread."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        with contextlib.suppress(RuntimeError):  # loop already stopped
            loop.call_soon_threadsafe(loop.stop)
        thread.join(_START_TIMEOUT)
        if thread.is_alive():
            raise RuntimeError("the fake server thread did not stop")
        self._thread = None
        self._port = None

    def __enter__(self) -> FakeKimiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        if exc_type is None and self.errors:
            raise AssertionError(f"the fake server failed: {self.errors!r}") from self.errors[0]

    async def __aenter__(self) -> FakeKimiServer:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)

    def _run(self) -> None:
        # Not new_event_loop(): under qasync the global policy would hand out a Qt loop,
        # which cannot run off the main thread. A plain selector loop works everywhere.
        loop = asyncio.SelectorEventLoop()
        self._loop = loop
        try:
            server = loop.run_until_complete(asyncio.start_server(self._on_connection, _HOST, 0))
        except BaseException as exc:
            self._start_error = exc
            loop.close()
            self._ready.set()
            return
        self._port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._shutdown(server))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _shutdown(self, server: asyncio.Server) -> None:
        server.close()
        tasks = list(self._connections)
        for task, writer in self._connections.items():
            task.cancel()
            writer.transport.abort()  # never wait for a peer that stopped reading
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    # -- HTTP ------------------------------------------------------------------------------

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                self.requests.append(request)
                reply, extra_headers = self._answer(request)
                keep_alive = await _play(writer, reply, extra_headers)
                if not keep_alive or request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away: that is the client's business
        except asyncio.CancelledError:
            # stop() ends open connections; a handler task that ended cancelled is
            # reported by asyncio's stream protocol as an error in a callback.
            pass
        except BaseException as exc:  # a bug in the fake: surface it at stop()
            self.errors.append(exc)
        finally:
            del self._connections[task]
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    def _answer(self, request: RecordedRequest) -> tuple[Reply, list[tuple[str, str]]]:
        dialect = self.dialect
        with self._lock:
            override = self._overrides.get((request.method, request.path))
        if override is not None:
            return override, self._common_headers(spent=False)
        route = next(
            (r for r in dialect.routes if r.method == request.method and r.path == request.path),
            None,
        )
        if route is None:
            return provider_error(dialect.name, "not_found"), self._common_headers(spent=False)
        if route.kind == "health":
            return json_reply("healthy"), []
        presented = self._presented_key(route, request.headers)
        if self.api_key and presented != self.api_key:
            denied = provider_error(
                dialect.name,
                "auth",
                protocol="anthropic" if route.kind == "messages" else None,
                key=presented or "",
            )
            return denied, self._common_headers(spent=False)
        if route.kind == "models":
            assert dialect.models is not None
            return json_reply(dialect.models), self._common_headers(spent=False)
        with self._lock:
            scripted = self._queue.popleft() if self._queue else None
        if scripted is not None:
            reply = scripted
        elif _wants_stream(request):
            reply = dialect.default_stream(route.kind)
        else:
            reply = dialect.default_json(route.kind)
        return reply, self._common_headers(spent=200 <= reply.status < 300)

    def _presented_key(self, route: Route, headers: dict[str, str]) -> str | None:
        if route.auth == "x-api-key":
            return headers.get("x-api-key")
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        return token if scheme.lower() == "bearer" else None

    def _common_headers(self, *, spent: bool) -> list[tuple[str, str]]:
        if not self.dialect.rate_limit_headers:
            return []
        with self._lock:
            if spent:
                self.credits = max(0.0, self.credits - 1)
            self.rate_limit = max(0, self.rate_limit - 1)
            return [
                ("X-Credits-Remaining", f"{self.credits:g}"),
                ("X-RateLimit-Limit", "60"),
                ("X-RateLimit-Remaining", str(self.rate_limit)),
                ("X-RateLimit-Reset", "1709125800"),
            ]


def _wants_stream(request: RecordedRequest) -> bool:
    try:
        return bool(request.json().get("stream"))
    except (ValueError, AttributeError):
        return False


async def _read_request(reader: asyncio.StreamReader) -> RecordedRequest | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    path, _, query = target.partition("?")
    return RecordedRequest(method.upper(), path, headers, body, query)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers from our clients
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


async def _play(
    writer: asyncio.StreamWriter, reply: Reply, extra_headers: list[tuple[str, str]]
) -> bool:
    """Send ``reply`` with its faults; return whether the connection may be reused."""
    gate = reply.stall_gate
    if gate is not None and reply.stall_after_events is None:
        await gate.wait()
    chunked = reply.framing == "chunked"
    # A scripted reply's own headers win over the provider's usual ones.
    own = {name.lower() for name, _ in reply.headers}
    headers = [*reply.headers, *((k, v) for k, v in extra_headers if k.lower() not in own)]
    if chunked:
        headers.append(("Transfer-Encoding", "chunked"))
    elif reply.framing == "length":
        headers.append(("Content-Length", str(len(reply.body))))
    else:
        headers.append(("Connection", "close"))
    head = f"HTTP/1.1 {reply.status} {_reason(reply.status)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    writer.write(head.encode("latin-1"))
    await writer.drain()

    async def send(piece: bytes) -> None:
        writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
        await writer.drain()

    sent = events = 0
    stalled = gate is None or reply.stall_after_events is None
    drop_bytes = reply.drop_after_bytes
    for write, is_event in zip(reply.writes, reply.event_writes, strict=True):
        if is_event:
            if reply.drop_after_events == events:
                return False
            if not stalled and reply.stall_after_events == events:
                assert gate is not None
                stalled = True
                await gate.wait()
        step = reply.split_every or max(len(write), 1)
        for start in range(0, len(write), step):
            piece = write[start : start + step]
            if drop_bytes is not None and sent + len(piece) >= drop_bytes:
                if drop_bytes > sent:
                    await send(piece[: drop_bytes - sent])
                return False
            await send(piece)
            sent += len(piece)
        events += is_event
    if reply.tail is not None:
        for piece in reply.tail():
            if writer.is_closing():
                return False
            if piece:  # an empty chunk would end a chunked body
                await send(piece)
            if reply.tail_interval:
                await asyncio.sleep(reply.tail_interval)
    if reply.drop_after_events is not None and reply.drop_after_events >= events:
        return False
    if drop_bytes is not None and drop_bytes <= sent:
        return False
    if not stalled:
        assert gate is not None
        await gate.wait()
    if chunked:
        writer.write(b"0\r\n\r\n")
        await writer.drain()
    return reply.framing != "close"
