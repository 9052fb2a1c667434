"""The fake Kimi server itself: every fault must put the bytes on the wire it promises.

The client tests are only as good as this double, so its framing, faults and
provider quirks are checked here with raw sockets and plain httpx, independent
of the product's client.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import httpx
import pytest

from tests.fakes import (
    ACEDATA_STREAM,
    DIALECTS,
    KEEP_ALIVE,
    FakeKimiServer,
    Gate,
    captive_portal,
    error_reply,
    html_error,
    json_reply,
    moonshot_stream,
    openai_stream,
    provider_error,
    split_at,
    sse_transport,
)

CHAT_BODY = json.dumps({"model": "kimi-k2.5", "messages": [], "stream": True}).encode()


def raw_post(
    server: FakeKimiServer,
    path: str,
    *,
    body: bytes = CHAT_BODY,
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> tuple[str, bytes]:
    """Send one request on a fresh socket and read until the server closes it."""
    fields = {
        "Host": f"127.0.0.1:{server.port}",
        "Authorization": f"Bearer {server.api_key}",
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Connection": "close",
        **(headers or {}),
    }
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head_bytes, _, rest = received.partition(b"\r\n\r\n")
    return head_bytes.decode("latin-1"), rest


def dechunk(raw: bytes) -> tuple[list[bytes], bool]:
    """The chunk payloads of a chunked body, and whether the terminating chunk came."""
    chunks: list[bytes] = []
    while raw:
        size_line, _, raw = raw.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return chunks, True
        chunks.append(raw[:size])
        raw = raw[size + 2 :]
    return chunks, False


def test_acedata_default_stream_is_the_documented_bytes() -> None:
    with FakeKimiServer("acedata") as server:
        head, raw = raw_post(server, "/kimi/chat/completions")
    chunks, complete = dechunk(raw)
    assert head.startswith("HTTP/1.1 200 OK")
    assert "transfer-encoding: chunked" in head.lower()
    assert "content-type: text/event-stream" in head.lower()
    assert complete
    assert b"".join(chunks) == ACEDATA_STREAM
    assert b'"reasoning_content": " The", "reasoning": " The"' in ACEDATA_STREAM
    assert ACEDATA_STREAM.endswith(b"data: [DONE]\n")


def test_split_sends_small_chunks_that_cut_utf8_characters() -> None:
    reply = moonshot_stream().split(3)
    with FakeKimiServer() as server:
        server.enqueue(reply)
        _, raw = raw_post(server, "/v1/chat/completions")
    chunks, complete = dechunk(raw)
    assert complete
    assert b"".join(chunks) == reply.body
    assert max(len(c) for c in chunks) <= 3

    def decodes(chunk: bytes) -> bool:
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    assert not all(decodes(c) for c in chunks)


def test_drop_after_events_closes_mid_chunked_body() -> None:
    reply = moonshot_stream()
    with FakeKimiServer() as server:
        server.enqueue(reply.dropped(after_events=3))
        _, raw = raw_post(server, "/v1/chat/completions")
    chunks, complete = dechunk(raw)
    assert not complete
    assert chunks == list(reply.events[:3])


def test_drop_after_bytes_cuts_inside_an_event() -> None:
    reply = moonshot_stream()
    with FakeKimiServer() as server:
        server.enqueue(reply.dropped(after_bytes=250))
        _, raw = raw_post(server, "/v1/chat/completions")
    chunks, complete = dechunk(raw)
    assert not complete
    assert b"".join(chunks) == reply.body[:250]


def test_text_faults_rewrite_the_body() -> None:
    base = openai_stream(content=["a\u2028b"], done=False)
    crlf = base.with_newlines(b"\r\n").body
    assert b"\n" not in crlf.replace(b"\r\n", b"")
    assert "a\u2028b".encode() in crlf  # U+2028 travels raw, as Moonshot sends it
    beats = base.with_heartbeats()
    assert beats.events == base.events
    assert beats.body.count(KEEP_ALIVE) == len(base.events)
    assert not base.body.endswith(b"[DONE]\n\n")
    malformed = base.with_malformed_event(1)
    assert len(malformed.events) == len(base.events) + 1
    with pytest.raises(ValueError, match="Unterminated"):
        json.loads(malformed.events[1].removeprefix(b"data: ").strip())
    assert base.truncated(1).events == base.events[:1]


def test_stall_holds_the_reply_until_the_gate_opens() -> None:
    gate = Gate()
    reply = moonshot_stream()
    with FakeKimiServer() as server:
        server.enqueue(reply.stalled(gate, after_events=2))
        result: list[tuple[str, bytes]] = []
        reader = threading.Thread(
            target=lambda: result.append(raw_post(server, "/v1/chat/completions"))
        )
        reader.start()
        assert gate.reached.wait(10)
        assert reader.is_alive()
        gate.open()
        reader.join(10)
    chunks, complete = dechunk(result[0][1])
    assert complete
    assert b"".join(chunks) == reply.body


def test_a_stall_never_released_does_not_keep_the_server_alive() -> None:
    gate = Gate()
    server = FakeKimiServer()
    with server:
        server.enqueue(moonshot_stream().stalled(gate, after_events=None))
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer test-key\r\nContent-Length: 2\r\n\r\n{}"
        )
        assert gate.reached.wait(10)
    with sock:
        assert sock.recv(100) == b""  # closed by stop(), nothing sent before
    assert not any(t.name.startswith("FakeKimiServer") for t in threading.enumerate())


@pytest.mark.parametrize(
    ("dialect", "path", "header", "status", "marker"),
    [
        ("moonshot", "/v1/chat/completions", "Authorization", 401, "invalid_authentication_error"),
        ("moonshot-anthropic", "/anthropic/v1/messages", "x-api-key", 401, "authentication_error"),
        ("villamarket", "/v1/chat/completions", "Authorization", 401, "invalid_api_key"),
        ("kimik2", "/api/v1/chat/completions", "Authorization", 401, "invalid_api_key"),
        ("kimik2", "/api/v1/messages", "x-api-key", 401, "authentication_error"),
        ("acedata", "/kimi/chat/completions", "Authorization", 401, "invalid_token"),
    ],
)
def test_a_wrong_key_gets_the_providers_401(
    dialect: str, path: str, header: str, status: int, marker: str
) -> None:
    wrong = "tok_wrong_0123456789"
    value = f"Bearer {wrong}" if header == "Authorization" else wrong
    with FakeKimiServer(dialect) as server:  # type: ignore[arg-type]
        head, body = raw_post(server, path, headers={header: value})
        assert server.pending == 0
    assert head.startswith(f"HTTP/1.1 {status}")
    assert marker in body.decode()
    if dialect == "moonshot":
        assert wrong in body.decode()  # echoed, so redaction can be proven


def test_anthropic_routes_require_x_api_key_not_bearer() -> None:
    with FakeKimiServer("kimik2") as server:
        head, body = raw_post(server, "/api/v1/messages")
    assert head.startswith("HTTP/1.1 401")
    assert json.loads(body)["type"] == "error"


def test_villamarket_health_needs_no_key() -> None:
    with FakeKimiServer("villamarket") as server:
        response = httpx.get(server.url + "/health")
    assert response.status_code == 200
    assert response.json() == "healthy"


def test_kimik2_headers_on_every_answer_and_credits_spent_per_chat() -> None:
    with (
        FakeKimiServer("kimik2", credits=10) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        auth = {"Authorization": "Bearer test-key"}
        models = http.get("/models", headers=auth)
        chat = http.post("/chat/completions", headers=auth, json={"stream": False})
        denied = http.get("/models")
    for response in (models, chat, denied):
        assert {
            "x-credits-remaining",
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        } <= set(response.headers)
    assert models.headers["x-credits-remaining"] == "10"
    assert chat.headers["x-credits-remaining"] == "9"
    assert denied.status_code == 401
    assert int(chat.headers["x-ratelimit-remaining"]) < int(models.headers["x-ratelimit-remaining"])
    assert [m["id"] for m in models.json()["data"]] == ["kimi-k2", "kimi-k2-0905"]


def test_acedata_has_no_models_endpoint() -> None:
    with FakeKimiServer("acedata") as server:
        response = httpx.get(
            server.base_url + "/models", headers={"Authorization": "Bearer test-key"}
        )
    assert response.status_code == 404
    assert response.json()["success"] is False


def test_enqueued_replies_come_first_then_the_default() -> None:
    with FakeKimiServer() as server, httpx.Client(base_url=server.base_url) as http:
        server.enqueue(provider_error("moonshot", "overloaded", retry_after=3), times=2)
        auth = {"Authorization": "Bearer test-key", "X-Trace": "Abc"}
        statuses = [http.post("/chat/completions", headers=auth, json={"n": i}) for i in range(3)]
    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert statuses[0].headers["retry-after"] == "3"
    assert statuses[2].json()["object"] == "chat.completion"  # "stream" absent: one JSON body
    assert [r.json() for r in server.chat_requests] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert server.requests[0].headers["x-trace"] == "Abc"
    assert server.requests[0].method == "POST"


def test_every_provider_error_kind_has_a_body_with_a_real_status() -> None:
    for name in DIALECTS:
        for kind in ("auth", "quota", "rate_limit", "overloaded", "server", "bad_request"):
            reply = provider_error(name, kind)
            assert reply.status >= 400
            assert json.loads(reply.body)
    assert provider_error("moonshot", "quota").status == 429
    assert provider_error("villamarket", "quota").status == 402
    assert provider_error("kimik2", "quota").status == 403
    assert provider_error("kimik2", "quota", protocol="anthropic").status == 403


def test_html_pages() -> None:
    page = html_error(502)
    assert page.status == 502
    assert b"<title>502 Bad Gateway</title>" in page.body
    assert page.header("content-type") == "text/html"
    assert captive_portal().status == 200
    assert error_reply(400, "plain").body == b"plain"


@pytest.mark.asyncio
async def test_async_clients_see_a_dropped_stream_as_an_incomplete_body() -> None:
    async with FakeKimiServer() as server, httpx.AsyncClient() as http:
        server.enqueue(moonshot_stream().dropped(after_events=2))
        seen = b""

        async def read_all() -> None:
            nonlocal seen
            async with http.stream(
                "POST",
                server.base_url + "/chat/completions",
                headers={"Authorization": "Bearer test-key"},
            ) as response:
                async for chunk in response.aiter_raw():
                    seen += chunk

        with pytest.raises(httpx.RemoteProtocolError):
            await read_all()
        assert seen == b"".join(moonshot_stream().events[:2])


@pytest.mark.asyncio
async def test_keep_alive_connections_serve_several_requests() -> None:
    async with FakeKimiServer("generic", api_key="") as server, httpx.AsyncClient() as http:
        for _ in range(3):
            response = await http.post(server.base_url + "/chat/completions", json={"stream": True})
            assert response.status_code == 200
        response = await http.post(server.base_url + "/chat/completions", json={})
    assert response.json()["choices"][0]["message"]["content"] == "Hello from a local model."
    assert len(server.requests) == 4


@pytest.mark.asyncio
async def test_sse_transport_yields_each_chunk_separately() -> None:
    data = "data: 潮\n\n".encode()
    chunks = split_at(data, 7, 8)
    transport = sse_transport(chunks)
    async with (
        httpx.AsyncClient(transport=transport) as http,
        http.stream("POST", "http://test/v1/chat/completions", json={"a": 1}) as response,
    ):
        received = [chunk async for chunk in response.aiter_raw()]
    assert received == chunks
    assert json.loads(transport.requests[0].content) == {"a": 1}


def test_json_reply_builds_both_completion_shapes() -> None:
    openai = json.loads(json_reply(reasoning="r", content="c", usage={"prompt_tokens": 1}).body)
    assert openai["choices"][0]["message"] == {
        "role": "assistant",
        "content": "c",
        "reasoning_content": "r",
    }
    anthropic = json.loads(json_reply(protocol="anthropic", reasoning="r", content="c").body)
    assert [b["type"] for b in anthropic["content"]] == ["thinking", "text"]


class _QtLikePolicy(asyncio.DefaultEventLoopPolicy):
    """Stands in for qasync's policy, whose loops only run on the Qt main thread."""

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        raise AssertionError("the fake server must not take its loop from the global policy")


def test_starts_while_another_event_loop_policy_is_installed() -> None:
    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(_QtLikePolicy())
    try:
        with FakeKimiServer() as server:
            response = httpx.get(
                server.url + "/v1/models", headers={"Authorization": "Bearer test-key"}
            )
    finally:
        asyncio.set_event_loop_policy(previous)
    assert response.status_code == 200
