"""Moonshot's own error answers, end to end: the sentence, the code, and whether it is retried.

Each body is the one Moonshot documents (tests/fakes/provider_errors.py), served
by the loopback fake; ``sleep`` records every backoff, and the requests the fake
recorded say whether the client sent the request again.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kimi_desktop.api import (
    AuthenticationError,
    BadRequestError,
    QuotaError,
    RateLimitError,
    describe,
)
from kimi_desktop.api.errors import (
    ACCESS_TERMINATED,
    CONTENT_FILTERED,
    CONTEXT_TOO_LONG,
    OVER_TOKENS_PER_MINUTE,
    wait_from_message,
)
from tests.fakes import MOONSHOT_CONTENT, FakeKimiServer, error_reply, moonshot_stream
from tests.fakes.provider_errors import MOONSHOT_TPM, MOONSHOT_WAIT, provider_error
from tests.unit.api.support import (
    FAST_RETRY,
    RecordingSleep,
    assert_plain_sentence,
    collect,
    make_client,
)

StartServer = Callable[..., FakeKimiServer]


def rate_limit_body(message: str) -> dict[str, object]:
    return {"error": {"message": message, "type": "rate_limit_reached_error"}}


# -- the prompt does not fit the model -----------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("context_too_long", "Input token length too long"),
        ("token_limit", "Your request exceeded model token limit : 262144"),
    ],
)
async def test_a_prompt_too_long_says_so_and_offers_a_new_chat(
    fake_server: StartServer, kind: str, said: str
) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", kind), times=4)  # type: ignore[arg-type]
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    error = outcome.error
    assert isinstance(error, BadRequestError)
    assert error.code == CONTEXT_TOO_LONG
    assert "too long for this model" in error.message
    assert "new chat" in error.message
    assert "larger context" in error.message
    assert_plain_sentence(error.message)
    assert said in describe(error)  # the provider's words follow the sentence
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
async def test_an_anthropic_format_prompt_too_long_is_the_same_error(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot-anthropic")
    body = {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": "prompt is too long: 300000 tokens"},
    }
    server.enqueue(error_reply(400, body))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, BadRequestError)
    assert outcome.error.code == CONTEXT_TOO_LONG


# -- the content filter -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_content_filter_is_named_and_not_retried(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "content_filter"), times=4)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    error = outcome.error
    assert isinstance(error, BadRequestError)
    assert error.status == 400
    assert error.code == CONTENT_FILTERED
    assert "content filter refused this request" in error.message
    assert "Rephrasing" in error.message
    assert_plain_sentence(error.message)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
async def test_high_risk_words_without_the_type_are_the_content_filter(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    body = {
        "error": {
            "message": "The request was rejected because it was considered high risk",
            "type": "invalid_request_error",
        }
    }
    server.enqueue(error_reply(400, body))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, BadRequestError)
    assert outcome.error.code == CONTENT_FILTERED


@pytest.mark.asyncio
async def test_a_filter_inside_the_stream_keeps_the_text_and_names_the_filter(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    refused = {
        "error": {
            "message": "The request was rejected because it was considered high risk",
            "type": "content_filter",
        }
    }
    server.enqueue(moonshot_stream().truncated(2).with_event(2, refused))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, BadRequestError)
    assert outcome.error.code == CONTENT_FILTERED
    assert outcome.reasoning  # what came before the refusal is kept
    assert len(server.chat_requests) == 1


# -- access ended ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_access_terminated_says_to_contact_support_and_is_never_retried(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "access_terminated", retry_after=1), times=4)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    error = outcome.error
    assert isinstance(error, AuthenticationError)
    assert error.status == 403
    assert error.code == ACCESS_TERMINATED
    assert "ended this account's access" in error.message
    assert "support" in error.message
    assert_plain_sentence(error.message)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
async def test_access_terminated_for_a_spent_plan_is_a_quota(fake_server: StartServer) -> None:
    """Kimi Code words a spent billing cycle with the same type: that is money, not a ban."""
    server = fake_server("moonshot")
    body = {
        "error": {
            "message": "You've reached your usage limit for this billing cycle",
            "type": "access_terminated_error",
        }
    }
    server.enqueue(error_reply(403, body), times=4)
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, QuotaError)
    assert outcome.error.code == "access_terminated_error"
    assert "Top up" in outcome.error.message
    assert len(server.chat_requests) == 1


# -- a rate limit that names its wait ---------------------------------------------------------


@pytest.mark.asyncio
async def test_the_wait_in_the_message_is_waited_exactly(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    reply = provider_error("moonshot", "rate_limit_wait")
    assert reply.header("retry-after") is None
    server.enqueue(reply)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert sleep.delays == [float(MOONSHOT_WAIT)]
    assert outcome.content == "".join(MOONSHOT_CONTENT)
    assert len(server.chat_requests) == 2


@pytest.mark.asyncio
async def test_the_last_refusal_says_how_long_to_wait(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "rate_limit_wait"), times=10)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    error = outcome.error
    assert isinstance(error, RateLimitError)
    assert error.retry_after == MOONSHOT_WAIT
    assert error.message.endswith(f"Try again in {MOONSHOT_WAIT} seconds.")
    assert_plain_sentence(error.message)
    assert sleep.delays == [float(MOONSHOT_WAIT)] * (FAST_RETRY.max_attempts - 1)
    assert len(server.chat_requests) == FAST_RETRY.max_attempts


@pytest.mark.asyncio
async def test_a_retry_after_header_wins_over_the_words(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "rate_limit_wait", retry_after=2))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        await collect(client)
    assert sleep.delays == [2.0]


@pytest.mark.asyncio
async def test_a_named_wait_too_long_goes_to_the_user_at_once(fake_server: StartServer) -> None:
    assert FAST_RETRY.max_retry_after < 120
    server = fake_server("moonshot")
    message = (
        "Your account request reached organization max RPM: 3, please try again after 120 seconds"
    )
    server.enqueue(error_reply(429, rate_limit_body(message)))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    error = outcome.error
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 120
    assert error.message.endswith("Try again in 2 minutes.")
    assert sleep.delays == []
    assert len(server.chat_requests) == 1


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("request reached organization max RPM: 3, please try again after 1 seconds", 1.0),
        ("max concurrency: 50, please try again after 12 seconds", 12.0),
        ("Rate limit reached. Please try again in 9.816s.", 9.816),
        ("Please try again in 644ms.", 0.644),
        ("Please try again in 2 minutes", 120.0),
        ("The engine is currently overloaded, please try again later", None),
        ("Too many requests", None),
    ],
)
def test_the_wait_is_read_from_the_providers_words(text: str, seconds: float | None) -> None:
    wait = wait_from_message(text)
    if seconds is None:
        assert wait is None
    else:
        assert wait == pytest.approx(seconds)


# -- a request over the tokens-per-minute limit by itself ----------------------------------


@pytest.mark.asyncio
async def test_a_request_over_the_tpm_limit_is_not_retried_and_says_why(
    fake_server: StartServer,
) -> None:
    current, limit = MOONSHOT_TPM
    server = fake_server("moonshot")
    server.enqueue(provider_error("moonshot", "over_tpm", retry_after=1), times=4)
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    error = outcome.error
    assert isinstance(error, RateLimitError)
    assert error.status == 429
    assert error.code == OVER_TOKENS_PER_MINUTE
    assert error.retry_after is None
    assert f"limit of {limit:,} tokens per minute" in error.message
    assert f"{current:,}" in error.message
    assert "trying again will not help" in error.message
    assert "Shorten the conversation" in error.message
    assert "higher limit" in error.message
    assert_plain_sentence(error.message)
    assert len(server.chat_requests) == 1
    assert sleep.delays == []


@pytest.mark.asyncio
async def test_a_project_tpm_limit_in_moonshots_other_spelling_is_not_retried(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    message = (
        "Your account org-1 / proj-1 <ak-1> request reached project TPM rate limit, "
        "current: 1410, limit: 100, see https://platform.moonshot.cn/docs/pricing/limits"
    )
    server.enqueue(error_reply(429, rate_limit_body(message)), times=4)
    async with make_client(server) as client:
        outcome = await collect(client)
    assert isinstance(outcome.error, RateLimitError)
    assert outcome.error.code == OVER_TOKENS_PER_MINUTE
    assert "1,410" in outcome.error.message
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_a_tpm_limit_reached_but_not_passed_is_retried(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    message = "request reached organization TPM rate limit, current:32000, limit:32000"
    server.enqueue(error_reply(429, rate_limit_body(message)))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert len(sleep.delays) == 1
    assert len(server.chat_requests) == 2
