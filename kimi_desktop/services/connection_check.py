"""Settings' "Test connection": one models request, reported in words.

It answers what a person setting up an endpoint wants to know: is it reachable,
how fast, is the key accepted, how many models — and, when the URL is probably
wrong (a missing or doubled ``/v1``), what to type instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from kimi_desktop.api import ApiError, AuthenticationError, KimiClient, NetworkError, QuotaError
from kimi_desktop.api.retry import RetryPolicy
from kimi_desktop.settings.endpoints import EndpointProfile, suggest_base_url


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    """``ok`` means requests will work; ``text`` says what happened and what to do."""

    ok: bool
    text: str
    suggested_base_url: str | None = None


async def check_connection(
    profile: EndpointProfile,
    api_key: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ConnectionReport:
    """Ask the endpoint for its models once (no retries) and describe the outcome."""
    suggestion = suggest_base_url(profile.base_url, profile.protocol)
    if profile.key_required and not api_key:
        return ConnectionReport(False, "Enter an API key first.")
    started = time.perf_counter()
    client = KimiClient(
        profile.endpoint,
        api_key,
        transport=transport,
        retry=RetryPolicy(max_attempts=1),
        timeout=httpx.Timeout(15.0),
    )
    try:
        async with client:
            models = await client.list_models()
    except ApiError as exc:
        elapsed = _ms(started)
        return _describe_failure(exc, elapsed, suggestion)
    elapsed = _ms(started)
    key_note = "Key accepted. " if api_key else ""
    count = f"{len(models)} model{'s' if len(models) != 1 else ''} available."
    return ConnectionReport(True, f"Connected in {elapsed} ms. {key_note}{count}")


def _describe_failure(exc: ApiError, elapsed: int, suggestion: str | None) -> ConnectionReport:
    hint = f" Did you mean {suggestion} ?" if suggestion else ""
    if exc.code == "no_models":
        if suggestion:
            return ConnectionReport(
                False,
                f"The endpoint answered in {elapsed} ms but has no models list at this "
                f"address.{hint}",
                suggestion,
            )
        return ConnectionReport(
            True,
            f"Reachable in {elapsed} ms. This provider does not list its models, so the key "
            "is checked when you send the first message.",
        )
    if isinstance(exc, AuthenticationError):
        return ConnectionReport(False, f"Reachable in {elapsed} ms, but {_lower(exc.message)}")
    if isinstance(exc, QuotaError):
        return ConnectionReport(
            False, f"Reachable in {elapsed} ms and the key works, but {_lower(exc.message)}"
        )
    if isinstance(exc, NetworkError):
        return ConnectionReport(False, f"Not reachable: {exc.message}{hint}", suggestion)
    return ConnectionReport(False, f"{exc.message}{hint}", suggestion)


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _lower(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]
