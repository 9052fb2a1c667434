"""``KimiClient``: one endpoint, one key, both request formats, retries in one place.

Contract (docs/architecture.md, "The api seam"): an error before the first event
raises from the first ``__anext__``; an error mid-stream raises after the events
already yielded, so callers keep partial text. Retries (429, some 5xx, connection failures) happen
only before the reply starts; a started stream is never re-sent.

Callers that may stop reading early should close the stream explicitly
(``contextlib.aclosing``) so the HTTP response is closed on the right loop.

Every body is read within :class:`~kimi_desktop.api.bounded.Limits` (see
``bounded.py``): a server cannot make the client hold more than a few megabytes
of one answer, or keep a reply open with keep-alives alone.
"""

from __future__ import annotations

import asyncio
import functools
import json
import ssl
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing, asynccontextmanager, suppress
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from kimi_desktop.api import openai_chat
from kimi_desktop.api.bounded import (
    ACCEPT_ENCODING,
    Body,
    EventText,
    IdleClock,
    Limits,
    leading_items,
)
from kimi_desktop.api.dialects import USER_AGENT, Dialect, StreamParser, dialect_for
from kimi_desktop.api.errors import (
    ApiError,
    BadRequestError,
    NetworkError,
    ProtocolError,
    answer_too_large_error,
    error_from_payload,
    error_from_response,
    models_too_large_error,
    reply_too_long_error,
)
from kimi_desktop.api.moonshot_apis import (
    MAX_UPLOAD_BYTES,
    UPLOAD_FORM,
    file_id_of,
    file_text_of,
    file_too_large_error,
    openai_base,
    text_too_large_error,
    token_count_error,
    token_count_of,
    upload_error,
    upload_parts,
)
from kimi_desktop.api.request import ChatRequest
from kimi_desktop.api.retry import RetryPolicy, backoff_delay
from kimi_desktop.api.sse import EventFramer, SseEvent
from kimi_desktop.api.stream_state import is_error_payload
from kimi_desktop.api.web_search import searching_reply
from kimi_desktop.domain import (
    ContentDelta,
    Endpoint,
    Message,
    ModelInfo,
    ReasoningDelta,
    StreamEvent,
    redact,
)
from kimi_desktop.i18n import _

#: Reasoning models can think quietly for a while; a silent minute is still alive.
DEFAULT_TIMEOUT = httpx.Timeout(connect=15.0, read=180.0, write=60.0, pool=15.0)

RetryCallback = Callable[[int, float, ApiError], None]


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context for every client: building one (loading the CA bundle)
    takes 20-30 ms, and each reply opens a new client."""
    return httpx.create_ssl_context()


class KimiClient:
    """Talks to one :class:`Endpoint` with one API key.

    ``transport`` replaces the network (tests, the offline demo); ``sleep`` and
    ``on_retry`` let callers observe and control backoff waits. ``limits`` bound
    what is read of each answer, and ``clock`` (``time.monotonic``) times their
    idle-content limit.
    ``credits_remaining`` follows kimi-k2.ai's ``X-Credits-Remaining`` header.
    ``models_truncated`` says the last :meth:`list_models` kept only the first
    ``limits.models`` models (or what could be read of a list too large to read).
    """

    def __init__(
        self,
        endpoint: Endpoint,
        api_key: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        on_retry: RetryCallback | None = None,
        timeout: httpx.Timeout | float | None = None,
        limits: Limits | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._key = api_key
        self._dialect: Dialect = dialect_for(endpoint, api_key)
        self._retry = retry or RetryPolicy()
        self._sleep = sleep or asyncio.sleep
        self._on_retry = on_retry
        self.credits_remaining: float | None = None
        self.models_truncated = False
        self._limits = limits or Limits()
        self._clock = clock or time.monotonic
        self._http = httpx.AsyncClient(
            headers={"accept-encoding": ACCEPT_ENCODING},
            transport=transport,
            proxy=endpoint.proxy if transport is None else None,
            timeout=timeout or DEFAULT_TIMEOUT,
            verify=shared_ssl_context(),
            follow_redirects=False,
        )

    def __repr__(self) -> str:  # never the key
        return f"KimiClient(endpoint={self.endpoint.id!r}, base_url={self.endpoint.base_url!r})"

    async def __aenter__(self) -> KimiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._http.aclose()

    async def list_models(self) -> list[ModelInfo]:
        """The models the endpoint serves, with capabilities where it says them.

        At most ``limits.models`` of them, the first ones listed; then
        ``models_truncated`` is true. A list too large to read whole gives the
        whole models at its start.
        """
        self.models_truncated = False
        async with self._send(
            "GET",
            self._dialect.models_url,
            None,
            headers=self._dialect.models_headers,
            not_found_code="no_models",
        ) as r:
            raw, complete = await self._read_body(r, self._limits.json_body)
            status = r.status_code
        kept = self._limits.models
        truncated = not complete
        if complete and len(raw) <= _MODEL_LIST_PARSED_WHOLE:
            payload = self._decode_json(raw, status)
        elif items := leading_items(raw, kept + 1):
            truncated = truncated or len(items) > kept
            payload = {"data": items[:kept]}
        elif complete:
            payload = self._decode_json(raw, status)
        else:
            raise models_too_large_error()
        if isinstance(payload, dict) and is_error_payload(payload):
            # A gateway that answers errors with 200: an empty list would hide it.
            raise error_from_payload(payload, secret=self._key)
        models = self._dialect.parse_models(payload)
        if not complete and not models:
            raise models_too_large_error()
        self.models_truncated = truncated or len(models) > kept
        return models[:kept]

    async def balance(self, url: str | None = None) -> float | None:
        """The account's available balance, where the provider reports one.

        Moonshot answers ``GET <base>/users/me/balance`` (Bearer auth in either
        request format) with ``{"code": 0, "data": {"available_balance": 49.58,
        ...}}``. ``url`` names that address when it is not under the base URL
        (Moonshot's Anthropic-format base); it must be on the endpoint's own
        server, since the key goes with it. ``None`` when the provider has no
        such endpoint (404) or reports no balance; other failures raise
        :class:`ApiError`. Asked once, never retried: a balance is a nicety.
        """
        target = url or self.endpoint.base_url.rstrip("/") + "/users/me/balance"
        if _origin(target) != _origin(self.endpoint.base_url):
            raise ValueError("the balance address must be on the endpoint's own server")
        answer = await self._try_send("GET", target, None, self._bearer_headers(), "no_balance")
        if isinstance(answer, ApiError):
            if answer.code == "no_balance":
                return None
            raise answer
        try:
            payload = await self._read_json(answer)
        finally:
            await answer.aclose()
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict) or payload.get("code", 0) != 0:
            return None
        available = data.get("available_balance")
        if isinstance(available, bool) or not isinstance(available, int | float):
            return None
        return float(available)

    async def stream_chat(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        """Stream one reply as ``ReasoningDelta | ContentDelta | WebSearch | Usage | Finish``.

        With ``request.web_search`` the ``$web_search`` rounds the model asks for
        run here (:mod:`kimi_desktop.api.web_search`); each round is a request
        of its own, retried only before its first byte.
        """
        async with aclosing(self.stream_chat_batches(request)) as batches:
            async for batch in batches:
                for event in batch:
                    yield event

    async def stream_chat_batches(
        self, request: ChatRequest
    ) -> AsyncGenerator[list[StreamEvent], None]:
        """The events of :meth:`stream_chat`, in lists of those that arrived together.

        For a reader that hands events on in batches anyway (the reply thread):
        a reply is thousands of events, and a generator step for each one, in
        every layer, is a measurable part of reading it. Never an empty list.
        """
        if request.web_search:
            async with aclosing(searching_reply(request, self._stream_round)) as events:
                async for event in events:
                    yield [event]
            return
        async with aclosing(self._round_batches(request)) as batches:
            async for batch in batches:
                yield batch

    async def extract_file(self, filename: str, data: bytes) -> str:
        """The text Moonshot's files API reads from a document (PDF, Word, code ...).

        Uploads it (``purpose=file-extract``), reads its ``content``, and deletes
        it again whatever happened after the upload: a failed read or a
        cancellation still deletes, so no copy stays on the provider's side. An
        upload is never re-sent after a dropped connection, which may have
        stored it already. Refusals keep the provider's words in ``detail``.
        """
        if len(data) > MAX_UPLOAD_BYTES:
            raise file_too_large_error(filename)
        base = openai_base(self.endpoint)
        headers = self._bearer_headers()
        try:
            async with self._send(
                "POST",
                base + "/files",
                None,
                headers=headers,
                files=upload_parts(filename, data),
                form=UPLOAD_FORM,
                retry_network=False,
            ) as response:
                file_id = file_id_of(await self._read_json(response))
        except ApiError as error:
            raise upload_error(error, filename) from None
        file_url = f"{base}/files/{quote(file_id, safe='')}"
        try:
            async with self._send("GET", file_url + "/content", None, headers=headers) as response:
                raw, complete = await self._read_body(response, self._limits.json_body)
                status = response.status_code
            if not complete:
                raise text_too_large_error(filename, self._limits.json_body)
            return file_text_of(self._decode_json(raw, status), filename)
        finally:
            # Shielded: a second cancel must not leave the document on the server.
            await asyncio.shield(self._delete_file(file_url, headers))

    async def estimate_tokens(self, model: str, messages: Sequence[Message]) -> int:
        """How many tokens ``messages`` take for ``model``, counted by Moonshot's tokenizer.

        The messages are written as a chat request writes them. A 404 raises
        :class:`BadRequestError` with code ``no_token_count``: the endpoint
        cannot count, and the caller estimates instead.
        """
        base = openai_base(self.endpoint)
        written = openai_chat.build_body(ChatRequest(model=model, messages=messages))
        body = {"model": model, "messages": written["messages"]}
        try:
            async with self._send(
                "POST",
                base + "/tokenizers/estimate-token-count",
                body,
                headers=self._bearer_headers(),
            ) as response:
                payload = await self._read_json(response)
        except ApiError as error:
            raise token_count_error(error) from None
        if isinstance(payload, dict) and is_error_payload(payload):
            raise error_from_payload(payload, secret=self._key)
        return token_count_of(payload)

    async def _delete_file(self, url: str, headers: dict[str, str]) -> None:
        """Delete an uploaded document: once, quietly. Its failure must not hide the
        reply's own outcome, and a file left behind only takes one of the account's slots."""
        with suppress(ApiError, httpx.HTTPError, RuntimeError):  # RuntimeError: client closed
            answer = await self._try_send("DELETE", url, None, headers, None)
            if isinstance(answer, httpx.Response):
                await answer.aclose()

    async def _stream_round(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        """One request's reply, as the dialect's parser reads it."""
        async with aclosing(self._round_batches(request)) as batches:
            async for batch in batches:
                for event in batch:
                    yield event

    async def _round_batches(self, request: ChatRequest) -> AsyncGenerator[list[StreamEvent], None]:
        """One request's reply in batches (see :meth:`stream_chat_batches`)."""
        body = self._dialect.build_body(request)
        async with self._send("POST", self._dialect.chat_url, body) as response:
            try:
                async for batch in self._read_reply(response):
                    yield batch
            except httpx.TransportError as exc:
                raise self._network_error(exc, started=True) from None

    async def _read_reply(self, response: httpx.Response) -> AsyncIterator[list[StreamEvent]]:
        """The events of a successful chat answer, streamed or whole, a network read's
        worth at a time.

        The content type is a hint, not the truth. A body labelled otherwise is
        looked at first: one JSON answer (a server that ignored ``"stream": true``)
        is read whole, and an event stream a gateway labelled ``text/plain`` or
        ``application/json`` is parsed as one, as it arrives. Events follow the SSE
        rules as httpx-sse applies them (:mod:`kimi_desktop.api.sse`): an event ends
        at a blank line, so one cut off at the end of the body is not delivered.

        Only reply text resets the idle clock, so keep-alive comments (or Anthropic
        ``ping`` events) alone end the reply after ``limits.idle_content``. An error
        in the middle of a read raises after the events before it were yielded.
        """
        limits = self._limits
        idle = IdleClock(limits.idle_content, self._clock)
        body = Body(response, host=self._host, idle=idle, started=True)
        try:
            content_type = response.headers.get("content-type", "")
            if "text/event-stream" not in content_type.lower():
                if not _looks_like_sse(await body.peek_start(limits.json_body)):
                    raw, complete = await body.read_up_to(limits.json_body)
                    if not complete:
                        raise answer_too_large_error(limits.json_body)
                    payload = self._decode_json(raw, response.status_code)
                    yield self._dialect.parse_completion(payload, self._key)
                    return
                content_type = "text/event-stream"
            events = EventText(body, limits, status=response.status_code, content_type=content_type)
            parser = self._dialect.stream_parser(self._key)
            framer = EventFramer()
            counter = _TextCounter(limits.reply_chars, idle)
            texts = events.aiter_text()
            try:
                async for text in texts:
                    batch, failure = counter.take(_parse(parser, framer.feed(text)))
                    if batch:
                        yield batch
                    if failure is not None:
                        raise failure
            finally:
                close = getattr(texts, "aclose", None)  # an async generator, typed as an iterator
                if close is not None:
                    await close()
            ending = _parse(parser, framer.finish(), closing=True)
            batch, failure = counter.take(ending)
            if batch:
                yield batch
            if failure is not None:
                raise failure
        finally:
            await body.aclose()

    @asynccontextmanager
    async def _send(
        self,
        method: str,
        url: str,
        body: dict[str, Any] | None,
        *,
        headers: dict[str, str] | None = None,
        not_found_code: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        form: Mapping[str, str] | None = None,
        retry_network: bool = True,
    ) -> AsyncIterator[httpx.Response]:
        """An open, successful response; retried per policy until its headers arrive.

        ``headers`` default to the dialect's chat headers. ``files`` and ``form``
        make a multipart body. ``retry_network=False`` for a request that must not
        be sent twice: a dropped connection may have delivered it.
        """
        headers = dict(self._dialect.headers if headers is None else headers)
        if body is not None:
            headers["accept"] = "text/event-stream" if body.get("stream") else "application/json"
        attempt = 0
        while True:
            attempt += 1
            error = await self._try_send(
                method, url, body, headers, not_found_code, files=files, form=form
            )
            if isinstance(error, httpx.Response):
                try:
                    yield error
                finally:
                    await error.aclose()
                return
            if isinstance(error, NetworkError) and not retry_network:
                raise error
            delay = backoff_delay(self._retry, attempt, error)
            if delay is None:
                raise error
            if self._on_retry is not None:
                self._on_retry(attempt, delay, error)
            await self._sleep(delay)

    async def _try_send(
        self,
        method: str,
        url: str,
        body: dict[str, Any] | None,
        headers: dict[str, str],
        not_found_code: str | None,
        *,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        form: Mapping[str, str] | None = None,
    ) -> httpx.Response | ApiError:
        """One try: the open response on success, else the error (not raised)."""
        try:
            request = self._http.build_request(
                method, url, json=body, headers=headers, files=files, data=form
            )
            response = await self._http.send(request, stream=True)
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            return self._network_error(exc, started=False)
        self._note_headers(response.headers)
        if response.is_success:
            return response
        # Only the start of an error body is read: its words are cut to a line anyway.
        error_body = Body(
            response, host=self._host, idle=IdleClock(self._limits.idle_content, self._clock)
        )
        try:
            raw, _complete = await error_body.read_up_to(self._limits.error_body, lenient=True)
        except httpx.TransportError as exc:
            return self._network_error(exc, started=False)
        except NetworkError as exc:  # stalled
            return exc
        finally:
            await error_body.aclose()
            await response.aclose()
        if 300 <= response.status_code < 400:
            location = response.headers.get("location")
            if not location:
                text = _(
                    "The endpoint redirected the request elsewhere. Check the base URL in Settings."
                )
            else:
                text = _(
                    "The endpoint redirected the request to {url}. Check the base URL in Settings."
                ).format(url=redact(location, self._key))
            return BadRequestError(
                text,
                status=response.status_code,
                code="redirect",
            )
        error = error_from_response(response.status_code, response.headers, raw, secret=self._key)
        if not_found_code and _means_no_such_api(response.status_code, error.code):
            return BadRequestError(
                _(
                    "This endpoint does not list its models. Type a model id instead, or pick "
                    "one of the known Kimi models."
                ),
                status=response.status_code,
                code=not_found_code,
            )
        return error

    async def _read_json(self, response: httpx.Response) -> Any:
        raw, complete = await self._read_body(response, self._limits.json_body)
        if not complete:
            raise answer_too_large_error(self._limits.json_body)
        return self._decode_json(raw, response.status_code)

    async def _read_body(self, response: httpx.Response, limit: int) -> tuple[bytes, bool]:
        """At most ``limit`` bytes of a successful answer, and whether that was all of it."""
        body = Body(
            response, host=self._host, idle=IdleClock(self._limits.idle_content, self._clock)
        )
        try:
            return await body.read_up_to(limit)
        except httpx.TransportError as exc:
            raise self._network_error(exc, started=True) from None
        finally:
            await body.aclose()

    def _decode_json(self, raw: bytes, status: int) -> Any:
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            # Redact before cutting, so no cut can leave most of the key behind.
            snippet = redact(raw[:400].decode("utf-8", errors="replace"), self._key)[:200]
            looks_html = snippet.lstrip().startswith("<")
            raise ProtocolError(
                _(
                    "The endpoint answered with a web page instead of an API response. Check "
                    "the base URL in Settings (a login page or proxy may be in the way)."
                )
                if looks_html
                else _("The endpoint's answer could not be read. Check the base URL in Settings."),
                status=status,
                code="not_json",
                detail=None if looks_html else snippet,
            ) from None

    def _bearer_headers(self) -> dict[str, str]:
        """Headers for Moonshot's APIs beside chat, which take a Bearer key in either format."""
        headers = {"user-agent": USER_AGENT, "accept": "application/json"}
        if self._key:
            headers["authorization"] = f"Bearer {self._key}"
        return headers

    def _note_headers(self, headers: httpx.Headers) -> None:
        credits = headers.get("x-credits-remaining")
        if credits is not None:
            with suppress(ValueError):
                self.credits_remaining = float(credits)

    @property
    def _host(self) -> str:
        return urlsplit(self.endpoint.base_url).netloc or self.endpoint.base_url

    def _network_error(self, exc: Exception, *, started: bool) -> NetworkError:
        host = self._host
        detail = redact(str(exc), self._key) or None
        if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
            message, code = (
                _("“{url}” is not a usable http(s) address. Fix the base URL in Settings.").format(
                    url=self.endpoint.base_url
                ),
                "invalid_url",
            )
        elif isinstance(exc, httpx.ConnectTimeout):
            message, code = (
                _("Connecting to {host} timed out. Check your connection.").format(host=host),
                "connect_timeout",
            )
        elif isinstance(exc, httpx.ProxyError):
            message, code = (
                _("The proxy refused the connection. Check the proxy setting."),
                "proxy",
            )
        elif isinstance(exc, httpx.ConnectError):
            message, code = (
                _(
                    "Could not connect to {host}. Check the base URL and your internet connection."
                ).format(host=host),
                "connect",
            )
        elif isinstance(exc, httpx.ReadTimeout):
            message, code = (
                _("{host} stopped sending data and the request timed out.").format(host=host),
                "read_timeout",
            )
        elif started:
            message, code = (
                _(
                    "The connection to {host} dropped before the reply was complete. The text "
                    "received so far was kept."
                ).format(host=host),
                "dropped",
            )
        else:
            message, code = (
                _("{host} closed the connection without answering.").format(host=host),
                "no_response",
            )
        return NetworkError(message, code=code, detail=detail)


#: A model list up to this size is parsed whole. A larger one (up to ``Limits.json_body``)
#: is read item by item, only as far as the models kept: parsed whole, 8 MB of models
#: would be ~70 MB of objects and half a second with the window waiting.
_MODEL_LIST_PARSED_WHOLE = 1024 * 1024

#: Error codes that say "this server has no such API" with a status other than 404.
_NO_SUCH_API_CODES = frozenset({"api_not_implemented"})  # AceData's 400


def _means_no_such_api(status: int, code: str | None) -> bool:
    return status == 404 or (status == 400 and code in _NO_SUCH_API_CODES)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


#: How a body that is an event stream starts; a JSON answer never starts so.
_SSE_STARTS = (b"data:", b"event:", b":", b"id:", b"retry:")


def _looks_like_sse(body: bytes) -> bool:
    """Whether a body is an event stream, whatever its label said."""
    return body.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(_SSE_STARTS)


def _parse(
    parser: StreamParser, messages: list[SseEvent], *, closing: bool = False
) -> tuple[list[StreamEvent], BaseException | None]:
    """The events of ``messages`` (then the parser's closing events, if ``closing``),
    and the error that stopped them, if one did: the events before it still count."""
    events: list[StreamEvent] = []
    try:
        for name, data in messages:
            events += parser.feed(name, data)
        if closing:
            events += parser.finish()
    except Exception as exc:  # ApiError, and a defect: both raise once the events are out
        return events, exc
    return events, None


class _TextCounter:
    """The reply text read so far: it keeps the idle clock alive and stays under the cap."""

    def __init__(self, most: int, idle: IdleClock) -> None:
        self._most = most
        self._idle = idle
        self._chars = 0

    def take(
        self, parsed: tuple[list[StreamEvent], BaseException | None]
    ) -> tuple[list[StreamEvent], BaseException | None]:
        """The events to deliver and the error to raise after them: the parser's, or
        the cap's at the first event that takes the reply past it."""
        events, failure = parsed
        chars = self._chars
        for index, event in enumerate(events):
            if isinstance(event, ReasoningDelta | ContentDelta):
                chars += len(event.text)
                if chars > self._most:
                    return events[:index], reply_too_long_error(self._most)
        if chars != self._chars:  # only reply text keeps a reply alive, not keep-alives
            self._chars = chars
            self._idle.touch()
        return events, failure
