"""Shared helpers for the client tests: build a client against a fake, drain a stream.

Every client built here gets a recording ``sleep`` (backoff never waits for real)
and a bounded timeout, and :func:`collect` bounds a whole stream, so a client
bug fails a test instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from kimi_desktop.api import (
    ApiError,
    ChatRequest,
    ContentDelta,
    Endpoint,
    Finish,
    KimiClient,
    Message,
    ReasoningDelta,
    StreamEvent,
    Usage,
)
from kimi_desktop.api.bounded import Limits
from kimi_desktop.api.retry import RetryPolicy
from tests.fakes import FakeKimiServer

TEST_TIMEOUT = httpx.Timeout(10.0)
#: Small delays so a wrong test that sleeps for real still finishes quickly.
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.04, max_retry_after=60.0)
STREAM_DEADLINE = 20.0
ANTHROPIC_DIALECTS = frozenset({"moonshot-anthropic"})


class RecordingSleep:
    """Stands in for ``asyncio.sleep``: records each backoff delay, returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@dataclass
class RetryLog:
    """Records ``on_retry(attempt, delay, error)`` calls."""

    calls: list[tuple[int, float, ApiError]] = field(default_factory=list)

    def __call__(self, attempt: int, delay: float, error: ApiError) -> None:
        self.calls.append((attempt, delay, error))


def make_client(
    server: FakeKimiServer | None = None,
    *,
    base_url: str | None = None,
    protocol: str | None = None,
    api_key: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = FAST_RETRY,
    sleep: RecordingSleep | None = None,
    on_retry: RetryLog | None = None,
    timeout: httpx.Timeout = TEST_TIMEOUT,
    limits: Limits | None = None,
    clock: Callable[[], float] | None = None,
) -> KimiClient:
    """A client for ``server`` (or ``base_url``), in the server dialect's protocol."""
    if protocol is None:
        anthropic = server is not None and server.dialect.name in ANTHROPIC_DIALECTS
        protocol = "anthropic" if anthropic else "openai"
    if base_url is None:
        base_url = server.base_url if server is not None else "http://fake.invalid/v1"
    if api_key is None:
        api_key = server.api_key if server is not None else "test-key"
    endpoint = Endpoint(id="test", name="Test", base_url=base_url, protocol=protocol)  # type: ignore[arg-type]
    return KimiClient(
        endpoint,
        api_key,
        transport=transport,
        retry=retry,
        sleep=sleep or RecordingSleep(),
        on_retry=on_retry,
        timeout=timeout,
        limits=limits,
        clock=clock,
    )


def chat(
    text: str = "Write a haiku about the sea.", *, model: str = "kimi-k2.5", **kwargs: object
) -> ChatRequest:
    return ChatRequest(model=model, messages=[Message("user", text)], **kwargs)  # type: ignore[arg-type]


@dataclass
class Outcome:
    """Everything a stream yielded, and the ApiError that ended it, if any."""

    events: list[StreamEvent]
    error: ApiError | None

    @property
    def reasoning(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, ReasoningDelta))

    @property
    def content(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, ContentDelta))

    @property
    def usages(self) -> list[Usage]:
        return [e for e in self.events if isinstance(e, Usage)]

    @property
    def finish(self) -> Finish | None:
        last = self.events[-1] if self.events else None
        return last if isinstance(last, Finish) else None

    def nonempty(self) -> list[StreamEvent]:
        """The events without empty-text deltas (which carry nothing to show)."""
        return [
            e
            for e in self.events
            if not (isinstance(e, ReasoningDelta | ContentDelta) and not e.text)
        ]


async def collect(client: KimiClient, request: ChatRequest | None = None) -> Outcome:
    """Drain ``client.stream_chat``; an ApiError ends the stream and is returned, not raised."""
    events: list[StreamEvent] = []
    try:
        async with asyncio.timeout(STREAM_DEADLINE):
            async for event in client.stream_chat(request or chat()):
                events.append(event)
    except ApiError as error:
        return Outcome(events, error)
    return Outcome(events, None)


def assert_event_order(events: Sequence[StreamEvent], *, finished: bool = True) -> None:
    """The ordering contract: deltas, then at most one Usage, then exactly one final Finish."""
    kinds = [type(e).__name__ for e in events]
    usages = [i for i, e in enumerate(events) if isinstance(e, Usage)]
    finishes = [i for i, e in enumerate(events) if isinstance(e, Finish)]
    deltas = [i for i, e in enumerate(events) if isinstance(e, ReasoningDelta | ContentDelta)]
    assert len(usages) <= 1, kinds
    if usages and deltas:
        assert usages[0] > deltas[-1], kinds
    if finished:
        assert finishes == [len(events) - 1], kinds
    else:
        assert finishes == [], kinds


def assert_plain_sentence(text: str, *, secret: str | None = None) -> None:
    """A message a person reads: some words, no JSON braces, no markup, no key."""
    assert text.strip(), "empty message"
    assert not any(ch in text for ch in "{}<>"), text
    assert " " in text.strip(), text
    if secret:
        assert secret not in text
