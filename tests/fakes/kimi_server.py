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
then with the dialect's default reply. Every request is recorded, and
:attr:`FakeKimiServer.request_kinds` names the route each went to.

Moonshot's files API and tokenizer answer from the server's own state: an upload
is kept in :attr:`FakeKimiServer.uploads` until deleted, its content is its text
(or :attr:`FakeKimiServer.file_texts` for its name), and the tokenizer counts
:attr:`FakeKimiServer.token_count` (or a rough estimate). :meth:`enqueue_for` scripts
any of those routes; :meth:`cut_request` drops a connection in the middle of a
request body, as a network does mid-upload.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any

from tests.fakes.builders import (
    json_reply,
    moonshot_file_content,
    moonshot_file_deleted,
    moonshot_file_error,
    moonshot_file_object,
    moonshot_token_count,
)
from tests.fakes.dialects import DIALECTS, PLATFORM_KINDS, Dialect, DialectName, Route, RouteKind
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


@dataclass(frozen=True)
class UploadedFile:
    """A document uploaded to the fake's files API, as its multipart form carried it."""

    id: str
    filename: str
    data: bytes
    content_type: str
    purpose: str


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
        #: Files uploaded and not deleted yet, by id.
        self.uploads: dict[str, UploadedFile] = {}
        #: Every file ever uploaded, deleted or not, in order.
        self.uploaded: list[UploadedFile] = []
        #: The text a file's content answer gives, by file name (else its bytes as UTF-8).
        self.file_texts: dict[str, str] = {}
        #: What the tokenizer answers; ``None`` counts about one token per 4 bytes.
        self.token_count: int | None = None
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._route_queues: dict[RouteKind, deque[Reply]] = {}
        self._cuts: dict[RouteKind, int] = {}
        self._files_made = 0
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

    def enqueue_for(self, kind: RouteKind, reply: Reply, *, times: int = 1) -> None:
        """Answer the next ``times`` requests to a platform route (``file_upload``,
        ``file_content``, ``file_delete``, ``tokenizer``) with ``reply``."""
        if kind not in PLATFORM_KINDS:
            raise ValueError(f"{kind!r} is answered from enqueue(), not enqueue_for()")
        with self._lock:
            self._route_queues.setdefault(kind, deque()).extend([reply] * times)

    def cut_request(self, kind: RouteKind, *, after_bytes: int) -> None:
        """Read only ``after_bytes`` of the next request body to ``kind``, then reset the
        connection without answering: a network that dropped mid-upload."""
        with self._lock:
            self._cuts[kind] = after_bytes

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
    def request_kinds(self) -> list[str]:
        """The route kind of every recorded request, in order ("unknown" off the routes)."""
        kinds: list[str] = []
        for request in list(self.requests):
            route = self._route(request.method, request.path)
            kinds.append(route.kind if route is not None else "unknown")
        return kinds

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
                head = await _read_head(reader)
                if head is None:
                    break
                cut = self._take_cut(head[0], head[1])
                request = await _read_request(reader, *head, limit=cut)
                self.requests.append(request)
                if cut is not None:
                    writer.transport.abort()  # a reset, not a polite close
                    break
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
        route = self._route(request.method, request.path)
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
        if route.kind in PLATFORM_KINDS:
            with self._lock:
                queue = self._route_queues.get(route.kind)
                planned = queue.popleft() if queue else None
            answer = planned or self._platform_answer(route, request)
            return answer, self._common_headers(spent=False)
        with self._lock:
            scripted = self._queue.popleft() if self._queue else None
        if scripted is not None:
            reply = scripted
        elif _wants_stream(request):
            reply = dialect.default_stream(route.kind)
        else:
            reply = dialect.default_json(route.kind)
        return reply, self._common_headers(spent=200 <= reply.status < 300)

    def _route(self, method: str, path: str) -> Route | None:
        return next((r for r in self.dialect.routes if r.matches(method, path)), None)

    def _take_cut(self, method: str, path: str) -> int | None:
        route = self._route(method, path)
        if route is None:
            return None
        with self._lock:
            return self._cuts.pop(route.kind, None)

    def _platform_answer(self, route: Route, request: RecordedRequest) -> Reply:
        """Moonshot's files API and tokenizer, answered from this server's state."""
        file_id = route.id_in(request.path) or ""
        if route.kind == "file_upload":
            return self._upload(request)
        if route.kind == "tokenizer":
            return self._count_tokens(request)
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is not None and route.kind == "file_delete":
                del self.uploads[file_id]
        if upload is None:
            return provider_error(self.dialect.name, "not_found")
        if route.kind == "file_delete":
            return json_reply(moonshot_file_deleted(file_id))
        text = self.file_texts.get(upload.filename)
        if text is None:
            text = upload.data.decode("utf-8", errors="replace")
        return json_reply(moonshot_file_content(text, upload.filename, upload.content_type))

    def _upload(self, request: RecordedRequest) -> Reply:
        form = parse_form(request.headers.get("content-type", ""), request.body)
        purpose = form.get("purpose")
        document = form.get("file")
        if purpose is None or purpose.data != b"file-extract":
            return moonshot_file_error("bad_purpose")
        if document is None or not document.data:
            return moonshot_file_error("empty")
        with self._lock:
            self._files_made += 1
            upload = UploadedFile(
                id=f"cvfake{self._files_made:014d}",
                filename=document.filename or "",
                data=document.data,
                content_type=document.content_type,
                purpose=purpose.data.decode(),
            )
            self.uploads[upload.id] = upload
            self.uploaded.append(upload)
        return json_reply(moonshot_file_object(upload.id, upload.filename, len(upload.data)))

    def _count_tokens(self, request: RecordedRequest) -> Reply:
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("model"):
            return provider_error(self.dialect.name, "bad_request")
        if not isinstance(body.get("messages"), list):
            return provider_error(self.dialect.name, "bad_request")
        total = self.token_count
        if total is None:
            total = len(json.dumps(body["messages"])) // 4
        return json_reply(moonshot_token_count(total))

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


@dataclass(frozen=True)
class FormPart:
    """One part of a ``multipart/form-data`` body."""

    data: bytes
    filename: str | None = None
    content_type: str = "text/plain"


def parse_form(content_type: str, body: bytes) -> dict[str, FormPart]:
    """The parts of a ``multipart/form-data`` body by field name (RFC 7578, as httpx writes it)."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.startswith("multipart/form-data") or boundary is None:
        return {}
    parts: dict[str, FormPart] = {}
    for section in body.split(b"--" + boundary.group(1).encode())[1:]:
        if section.startswith(b"--"):
            break  # the closing delimiter
        head, _, data = section.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        text = head.decode("utf-8", errors="replace")
        name = re.search(r'; name="([^"]*)"', text)
        if name is None:
            continue
        filename = re.search(r'; filename="([^"]*)"', text)
        kind = re.search(r"(?im)^content-type:\s*(\S+)", text)
        parts[name.group(1)] = FormPart(
            data=data.removesuffix(b"\r\n"),
            filename=filename.group(1) if filename else None,
            content_type=kind.group(1) if kind else "text/plain",
        )
    return parts


async def _read_head(
    reader: asyncio.StreamReader,
) -> tuple[str, str, str, dict[str, str]] | None:
    """``(method, path, query, headers)`` of the next request; ``None`` at the end."""
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
    path, _, query = target.partition("?")
    return method.upper(), path, query, headers


async def _read_request(
    reader: asyncio.StreamReader,
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    *,
    limit: int | None = None,
) -> RecordedRequest:
    """The request's body after its head; only its first ``limit`` bytes when cut."""
    if limit is not None:
        length = int(headers.get("content-length", limit))
        body = await reader.readexactly(min(limit, length))
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return RecordedRequest(method, path, headers, body, query)


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
