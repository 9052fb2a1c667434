"""Retries: when the client tries again, how long it waits, and when it gives up.

``sleep`` is a recorder, so backoff is observed without waiting; the number of
requests the fake recorded is the ground truth for "retried" and "not re-sent".
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest

from kimi_desktop.api import (
    AuthenticationError,
    BadRequestError,
    NetworkError,
    QuotaError,
    RateLimitError,
    ServerError,
)
from kimi_desktop.api.errors import (
    ACCESS_TERMINATED,
    CONTENT_FILTERED,
    CONTEXT_TOO_LONG,
    OVER_TOKENS_PER_MINUTE,
    ApiError,
    rate_limit_reset_seconds,
)
from kimi_desktop.api.retry import RetryPolicy, backoff_delay, is_retryable
from tests.fakes import MOONSHOT_CONTENT, FakeKimiServer, Reply, html_error, provider_error
from tests.unit.api.support import (
    FAST_RETRY,
    RecordingSleep,
    RetryLog,
    assert_plain_sentence,
    collect,
    make_client,
)

StartServer = Callable[..., FakeKimiServer]


def closed_port() -> int:
    """A loopback port nobody listens on (connecting is refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("dialect", "kind", "code", "named_wait"),
    [
        # "... please try again after 1 seconds": the wait Moonshot names is waited.
        ("moonshot", "rate_limit", "rate_limit_reached_error", 1.0),
        ("moonshot", "overloaded", "engine_overloaded_error", None),
        ("kimik2", "rate_limit", "rate_limit_exceeded", None),
    ],
)
async def test_rate_limits_are_retried_then_raised(
    fake_server: StartServer, dialect: str, kind: str, code: str, named_wait: float | None
) -> None:
    server = fake_server(dialect)
    server.enqueue(provider_error(dialect, kind), times=10)  # type: ignore[arg-type]
    sleep, log = RecordingSleep(), RetryLog()
    async with make_client(server, sleep=sleep, on_retry=log) as client:
        outcome = await collect(client)
    error = outcome.error
    assert isinstance(error, RateLimitError)
    assert error.status == 429
    assert error.code == code
    assert error.retry_after == named_wait
    assert_plain_sentence(error.message)
    assert len(server.chat_requests) == FAST_RETRY.max_attempts
    assert len(sleep.delays) == FAST_RETRY.max_attempts - 1
    if named_wait is None:
        assert all(0 <= d <= FAST_RETRY.max_delay for d in sleep.delays)
    else:
        assert sleep.delays == [named_wait] * (FAST_RETRY.max_attempts - 1)
    assert [delay for _, delay, _ in log.calls] == sleep.delays
    assert all(isinstance(e, RateLimitError) for _, _, e in log.calls)
    attempts = [attempt for attempt, _, _ in log.calls]
    assert attempts == sorted(set(attempts))


@pytest.mark.asyncio
async def test_retry_after_is_waited_exactly(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "rate_limit", retry_after=7))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert sleep.delays == [7.0]
    assert outcome.content == "".join(MOONSHOT_CONTENT)
    assert len(server.chat_requests) == 2


@pytest.mark.asyncio
async def test_retry_after_longer_than_the_limit_raises_at_once(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "overloaded", retry_after=120))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, RateLimitError)
    assert outcome.error.retry_after == 120
    assert sleep.delays == []
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_quota_is_never_retried_even_with_retry_after(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "quota", retry_after=1), times=4)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, QuotaError)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (provider_error("moonshot", "server"), 500),
        (html_error(502), 502),
        (html_error(503), 503),
    ],
)
async def test_server_errors_are_retried_then_raised(
    fake_server: StartServer, reply: Reply, status: int
) -> None:
    server = fake_server("moonshot")
    server.enqueue(reply, times=10)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ServerError)
    assert outcome.error.status == status
    assert_plain_sentence(outcome.error.message)
    assert len(server.chat_requests) == FAST_RETRY.max_attempts
    assert len(sleep.delays) == FAST_RETRY.max_attempts - 1


@pytest.mark.asyncio
async def test_success_on_the_second_attempt_yields_the_whole_reply(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.enqueue(html_error(503))
    sleep, log = RecordingSleep(), RetryLog()
    async with make_client(server, sleep=sleep, on_retry=log) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.content == "".join(MOONSHOT_CONTENT)
    assert outcome.finish is not None
    assert len(server.chat_requests) == 2
    assert len(sleep.delays) == 1
    [(_, delay, error)] = log.calls
    assert delay == sleep.delays[0]
    assert isinstance(error, ServerError)


@pytest.mark.asyncio
async def test_a_single_attempt_policy_does_not_retry(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(html_error(503), times=4)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep, retry=RetryPolicy(max_attempts=1)) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ServerError)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
async def test_connection_refused_is_a_network_error_after_retries() -> None:
    sleep = RecordingSleep()
    base_url = f"http://127.0.0.1:{closed_port()}/v1"
    async with make_client(base_url=base_url, sleep=sleep) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, NetworkError)
    assert outcome.events == []
    assert_plain_sentence(outcome.error.message)
    assert len(sleep.delays) == FAST_RETRY.max_attempts - 1


@pytest.mark.asyncio
async def test_list_models_is_retried_too(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", html_error(502))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        with pytest.raises(ServerError):
            await client.list_models()
    assert len([r for r in server.requests if r.path == "/v1/models"]) == FAST_RETRY.max_attempts
    assert len(sleep.delays) == FAST_RETRY.max_attempts - 1


@pytest.mark.asyncio
async def test_retry_after_as_an_http_date_is_waited(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 10))
    server.enqueue(provider_error("moonshot", "overloaded").with_retry_after(when))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert outcome.error is None
    [delay] = sleep.delays
    assert 7 <= delay <= 10
    assert len(server.chat_requests) == 2


@pytest.mark.asyncio
async def test_kimi_k2_ai_rate_limit_reset_is_waited_without_retry_after(
    fake_server: StartServer,
) -> None:
    """kimi-k2.ai documents ``X-RateLimit-Reset`` as a Unix time; it stands in for Retry-After."""
    server = fake_server("kimik2")
    reset = str(int(time.time()) + 6)
    server.enqueue(
        provider_error("kimik2", "rate_limit").with_headers({"X-RateLimit-Reset": reset})
    )
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert outcome.error is None
    [delay] = sleep.delays
    assert 4 <= delay <= 6
    assert len(server.chat_requests) == 2


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-ratelimit-reset": "1000000030"}, 30.0),
        ({"x-ratelimit-reset": "999999990"}, None),  # already past: back off as usual
        ({"x-ratelimit-reset": "1s"}, None),
        ({}, None),
    ],
)
def test_rate_limit_reset_header(headers: dict[str, str], expected: float | None) -> None:
    assert rate_limit_reset_seconds(headers, now=1_000_000_000.0) == expected


@pytest.mark.asyncio
async def test_retry_after_wins_over_the_rate_limit_reset(fake_server: StartServer) -> None:
    server = fake_server("kimik2")
    reply = provider_error("kimik2", "rate_limit", retry_after=2)
    server.enqueue(reply.with_headers({"X-RateLimit-Reset": str(int(time.time()) + 20)}))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        await collect(client)
    assert sleep.delays == [2.0]


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (RateLimitError("busy", status=429, code="rate_limit_reached_error"), True),
        (RateLimitError("too big", status=429, code=OVER_TOKENS_PER_MINUTE), False),
        (AuthenticationError("ended", status=403, code=ACCESS_TERMINATED), False),
        (BadRequestError("filtered", status=400, code=CONTENT_FILTERED), False),
        (BadRequestError("too long", status=400, code=CONTEXT_TOO_LONG), False),
    ],
)
def test_what_waiting_cannot_fix_is_never_retried(error: ApiError, retried: bool) -> None:
    assert is_retryable(error) is retried
    error.retry_after = 1.0  # a wait named by the provider changes nothing
    assert (backoff_delay(RetryPolicy(), 1, error) is not None) is retried
