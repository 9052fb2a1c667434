"""Every error answer of every provider in the fakes, through the real client, in one table.

For each provider (and each request format it serves) and each error it
documents, plus the HTML page a proxy puts in front of it on a 502, the client
must raise the right :class:`ApiError` subclass with the real status and a
sentence a person reads: plain words, no JSON, no markup. Moonshot's own kinds
(a prompt too long, the content filter, access ended, a named wait, a request
over the tokens-per-minute limit) also carry the stable code the app acts on.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kimi_desktop.api import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ProtocolError,
    QuotaError,
    RateLimitError,
    ServerError,
    describe,
)
from kimi_desktop.api.errors import (
    ACCESS_TERMINATED,
    CONTENT_FILTERED,
    CONTEXT_TOO_LONG,
    OVER_TOKENS_PER_MINUTE,
)
from kimi_desktop.api.retry import RetryPolicy, is_retryable
from tests.fakes import (
    ANTHROPIC_MALFORMED_EVENT,
    FakeKimiServer,
    anthropic_stream,
    html_error,
    provider_error,
)
from tests.fakes.provider_errors import MOONSHOT_KINDS
from tests.unit.api.support import assert_plain_sentence, collect, make_client

StartServer = Callable[..., FakeKimiServer]

#: (fake dialect, request format) for every format each provider serves.
PROVIDERS = [
    ("moonshot", "openai"),
    ("moonshot-anthropic", "anthropic"),
    ("villamarket", "openai"),
    ("kimik2", "openai"),
    ("kimik2", "anthropic"),
    ("acedata", "openai"),
    ("generic", "openai"),
]
KINDS = ["auth", "quota", "rate_limit", "overloaded", "server", "bad_request", "not_found"]
ONE_TRY = RetryPolicy(max_attempts=1)


def expected_class(kind: str, status: int) -> type[ApiError]:
    """Overloaded is a rate limit where a provider says it with 429, else a server error."""
    if kind == "overloaded":
        return RateLimitError if status == 429 else ServerError
    return {
        "auth": AuthenticationError,
        "quota": QuotaError,
        "rate_limit": RateLimitError,
        "server": ServerError,
        "bad_request": BadRequestError,
        "not_found": BadRequestError,
    }[kind]


#: Moonshot's own kinds: (class, status, code on the error, whether a later try may pass).
MOONSHOT_ROWS: dict[str, tuple[type[ApiError], int, str, bool]] = {
    "context_too_long": (BadRequestError, 400, CONTEXT_TOO_LONG, False),
    "token_limit": (BadRequestError, 400, CONTEXT_TOO_LONG, False),
    "content_filter": (BadRequestError, 400, CONTENT_FILTERED, False),
    "access_terminated": (AuthenticationError, 403, ACCESS_TERMINATED, False),
    "rate_limit_wait": (RateLimitError, 429, "rate_limit_reached_error", True),
    "over_tpm": (RateLimitError, 429, OVER_TOKENS_PER_MINUTE, False),
}


#: A tag, not the ``<ak-...>`` around an account id that Moonshot writes in its messages.
TAG = re.compile(r"<[A-Za-z!/][^>]*>")


def assert_readable(error: ApiError) -> None:
    assert_plain_sentence(error.message)
    text = describe(error)
    assert not TAG.search(text), text
    assert "{" not in text, text


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("dialect", "protocol"), PROVIDERS)
async def test_every_provider_error_maps_to_its_class(
    fake_server: StartServer, dialect: str, protocol: str, kind: str
) -> None:
    server = fake_server(dialect, api_key="")
    reply = provider_error(dialect, kind, protocol=protocol)  # type: ignore[arg-type]
    server.enqueue(reply)
    async with make_client(server, protocol=protocol, api_key="", retry=ONE_TRY) as client:
        outcome = await collect(client)
    error = outcome.error
    assert type(error) is expected_class(kind, reply.status), (dialect, protocol, kind, error)
    assert error.status == reply.status
    assert error.code
    assert error.detail
    assert outcome.events == []
    assert_readable(error)


@pytest.mark.asyncio
@pytest.mark.parametrize(("dialect", "protocol"), PROVIDERS)
async def test_a_proxy_502_page_is_a_server_error_without_markup(
    fake_server: StartServer, dialect: str, protocol: str
) -> None:
    server = fake_server(dialect, api_key="")
    server.enqueue(html_error(502))
    async with make_client(server, protocol=protocol, api_key="", retry=ONE_TRY) as client:
        outcome = await collect(client)
    error = outcome.error
    assert type(error) is ServerError
    assert error.status == 502
    assert error.detail is not None
    assert "502 Bad Gateway" in error.detail
    assert_readable(error)


@pytest.mark.asyncio
async def test_a_malformed_anthropic_chunk_keeps_the_text_and_is_not_resent(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot-anthropic")
    stream = anthropic_stream([], ["Bon", "jour"], ping=False)
    # message_start, content_block_start, two deltas; the damaged one comes after them.
    server.enqueue(stream.with_malformed_event(4, ANTHROPIC_MALFORMED_EVENT))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError)
    assert outcome.error.code == "malformed_chunk"
    assert_readable(outcome.error)
    assert outcome.content == "Bonjour"
    assert outcome.finish is None
    assert len(server.chat_requests) == 1


def test_the_moonshot_table_covers_every_moonshot_kind() -> None:
    assert set(MOONSHOT_ROWS) == set(MOONSHOT_KINDS)


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", MOONSHOT_KINDS)
async def test_every_moonshot_error_maps_to_its_class_and_code(
    fake_server: StartServer, kind: str
) -> None:
    cls, status, code, passes_later = MOONSHOT_ROWS[kind]
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", kind))  # type: ignore[arg-type]
    async with make_client(server, retry=ONE_TRY) as client:
        outcome = await collect(client)
    error = outcome.error
    assert type(error) is cls, (kind, error)
    assert error.status == status
    assert error.code == code
    assert error.detail
    assert is_retryable(error) is passes_later
    assert outcome.events == []
    assert_readable(error)
