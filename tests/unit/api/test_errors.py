"""Every provider's error answer becomes the right ApiError, with a sentence a person reads.

Asserts the class, ``status``, ``code``, that ``message`` is plain words (no
JSON, no markup) and that the API key never leaks — the Moonshot fake echoes
the presented key in its 401 body precisely so redaction is proven.
"""

from __future__ import annotations

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
from tests.fakes import (
    FakeKimiServer,
    captive_portal,
    error_reply,
    html_error,
    moonshot_stream,
    provider_error,
)
from tests.unit.api.support import RecordingSleep, assert_plain_sentence, collect, make_client

StartServer = Callable[..., FakeKimiServer]

#: Not shaped like "sk-..." on purpose: only redaction of the client's own key can hide it.
WRONG_KEY = "tok_9f8e7d6c5b4a3210zz"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("dialect", "protocol", "code"),
    [
        ("moonshot", "openai", "invalid_authentication_error"),
        ("moonshot-anthropic", "anthropic", "authentication_error"),
        ("villamarket", "openai", "invalid_api_key"),
        ("kimik2", "openai", "invalid_api_key"),
        ("kimik2", "anthropic", "authentication_error"),
        ("acedata", "openai", "invalid_token"),
    ],
)
async def test_wrong_key_is_an_authentication_error(
    fake_server: StartServer, dialect: str, protocol: str, code: str
) -> None:
    server = fake_server(dialect)
    sleep = RecordingSleep()
    async with make_client(server, protocol=protocol, api_key=WRONG_KEY, sleep=sleep) as client:
        outcome = await collect(client)
        client_repr = repr(client)
    error = outcome.error
    assert isinstance(error, AuthenticationError)
    assert outcome.events == []
    assert error.status == 401
    assert error.code == code
    assert_plain_sentence(error.message, secret=WRONG_KEY)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []
    for text in (str(error), repr(error), error.detail or "", describe(error), client_repr):
        assert WRONG_KEY not in text


@pytest.mark.asyncio
async def test_the_echoed_key_is_redacted_everywhere(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    assert WRONG_KEY.encode() in provider_error("moonshot", "auth", key=WRONG_KEY).body
    async with make_client(server, api_key=WRONG_KEY) as client:
        outcome = await collect(client)
        with pytest.raises(ApiError) as models_error:
            await client.list_models()
        assert WRONG_KEY not in repr(client)
    for error in (outcome.error, models_error.value):
        assert error is not None
        assert WRONG_KEY not in str(error)
        assert WRONG_KEY not in repr(error)
        assert WRONG_KEY not in (error.detail or "")
        assert WRONG_KEY not in describe(error)
        assert WRONG_KEY not in repr(error.args)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("dialect", "protocol", "status", "code"),
    [
        ("moonshot", "openai", 429, "exceeded_current_quota_error"),
        ("villamarket", "openai", 402, "budget_exceeded"),
        ("kimik2", "openai", 403, "insufficient_credits"),
        ("kimik2", "anthropic", 403, "permission_error"),
        ("acedata", "openai", 403, "used_up"),
    ],
)
async def test_out_of_balance_is_a_quota_error_never_retried(
    fake_server: StartServer, dialect: str, protocol: str, status: int, code: str
) -> None:
    server = fake_server(dialect)
    server.enqueue(provider_error(dialect, "quota", protocol=protocol), times=4)  # type: ignore[arg-type]
    sleep = RecordingSleep()
    async with make_client(server, protocol=protocol, sleep=sleep) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, QuotaError)
    assert outcome.error.status == status
    assert outcome.error.code == code
    assert_plain_sentence(outcome.error.message)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "cls", "status", "code"),
    [
        ("auth", AuthenticationError, 401, "invalid_token"),
        ("rate_limit", RateLimitError, 429, "too_many_requests"),
        ("server", ServerError, 500, "api_error"),
        ("bad_request", BadRequestError, 400, "token_mismatched"),
    ],
)
async def test_acedata_error_envelope(
    fake_server: StartServer, kind: str, cls: type[ApiError], status: int, code: str
) -> None:
    server = fake_server("acedata")
    server.enqueue(provider_error("acedata", kind), times=4)  # type: ignore[arg-type]
    async with make_client(server) as client:
        outcome = await collect(client)
    assert type(outcome.error) is cls
    assert outcome.error.status == status
    assert outcome.error.code == code
    assert_plain_sentence(outcome.error.message)


@pytest.mark.asyncio
async def test_bad_request_is_not_retried(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "bad_request"), times=4)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, BadRequestError)
    assert outcome.error.status == 400
    assert outcome.error.code == "invalid_request_error"
    assert_plain_sentence(outcome.error.message)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
async def test_proxy_html_page_is_a_clean_server_error(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(html_error(502), times=4)
    async with make_client(server) as client:
        outcome = await collect(client)
    error = outcome.error
    assert isinstance(error, ServerError)
    assert error.status == 502
    assert_plain_sentence(error.message)
    assert "<" not in (error.detail or "")
    assert "<" not in describe(error)


@pytest.mark.asyncio
async def test_captive_portal_page_with_200_is_a_protocol_error(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(captive_portal())
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, ProtocolError)
    assert outcome.events == []
    assert_plain_sentence(outcome.error.message)
    assert "<" not in describe(outcome.error)


@pytest.mark.asyncio
async def test_plain_text_error_body(fake_server: StartServer) -> None:
    server = fake_server("generic", api_key="")
    server.enqueue(error_reply(400, "model 'x' not found", content_type="text/plain"))
    async with make_client(server, api_key="") as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, BadRequestError)
    assert_plain_sentence(outcome.error.message)


#: Moonshot's rate limit on tokens per day: a rate limit whose words mention a quota.
TPD_LIMIT = {
    "error": {
        "message": "Your account org-5d1b2c3a4f request reached organization max TPD quota: "
        "1500000, please try again after 1 seconds",
        "type": "rate_limit_reached_error",
    }
}


@pytest.mark.asyncio
async def test_a_rate_limit_that_mentions_a_quota_is_still_a_rate_limit(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.enqueue(error_reply(429, TPD_LIMIT))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert outcome.error is None  # retried like any rate limit, then answered
    assert len(server.chat_requests) == 2
    assert len(sleep.delays) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (
            429,
            {
                "error": {
                    "message": "Too many requests for your billing tier",
                    "type": "rate_limit_error",
                }
            },
            RateLimitError,
        ),
        (
            403,
            {"type": "error", "error": {"type": "permission_error", "message": "No credits left"}},
            QuotaError,
        ),
        (
            403,
            {"error": {"message": "Not allowed", "type": "permission_error", "code": "no_quota"}},
            QuotaError,
        ),
        (403, {"error": {"message": "Model not enabled", "type": "permission_error"}}, None),
    ],
)
async def test_structured_type_or_code_decides_before_free_text(
    fake_server: StartServer, status: int, body: dict[str, object], cls: type[ApiError] | None
) -> None:
    """``None``: not about money, so the key's permissions (AuthenticationError)."""
    server = fake_server("moonshot")
    server.enqueue(error_reply(status, body), times=4)
    async with make_client(server) as client:
        outcome = await collect(client)
    assert type(outcome.error) is (cls or AuthenticationError)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("error", "cls"),
    [
        (TPD_LIMIT["error"], RateLimitError),
        ({"message": "Permission denied", "type": "permission_denied_error"}, AuthenticationError),
        ({"message": "out of credits", "type": "exceeded_current_quota_error"}, QuotaError),
        ({"message": "bad", "type": "invalid_authentication_error"}, AuthenticationError),
        ({"message": "slot unavailable", "type": "server_error", "code": 503}, ServerError),
        ({"message": "Access terminated.", "type": "access_terminated_error"}, AuthenticationError),
        ({"message": "refused", "type": "content_filter"}, BadRequestError),
        ({"message": "Input token length too long"}, BadRequestError),
        ({"message": "It was considered high risk"}, BadRequestError),
        (
            {
                "message": "request reached organization TPM rate limit, current:9, limit:1",
                "type": "rate_limit_reached_error",
            },
            RateLimitError,
        ),
    ],
)
async def test_an_error_inside_a_stream_is_classified_by_its_type(
    fake_server: StartServer, error: dict[str, object], cls: type[ApiError]
) -> None:
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().truncated(2).with_event(2, {"error": error}))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert type(outcome.error) is cls
    assert_plain_sentence(outcome.error.message)
    assert len(server.chat_requests) == 1
