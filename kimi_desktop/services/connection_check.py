"""Settings' "Test connection": one models request, reported in words.

A provider documented without a models endpoint (the Anthropic-format presets)
is asked a one-token question instead, so a good key is never called wrong. That
question switches reasoning the way every request does
(:func:`~kimi_desktop.services.thinking.thinking_fields`): off where the model
allows it, never for a model that always thinks (Moonshot refuses those a
``disabled`` with a 400), the lowest effort for one that takes an effort.
It answers what a person setting up an endpoint wants to know: is it reachable,
how fast, is the key accepted, how many models (and the balance, where the
provider reports it) — and, when the URL is probably wrong (a missing or
doubled ``/v1``), what to type instead. Settings asks through
:meth:`~kimi_desktop.services.endpoints.EndpointService.check_connection`,
which knows the transport to use (the network, the demo's, a test's).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kimi_desktop.api import (
    ApiError,
    AuthenticationError,
    ChatRequest,
    Message,
    ModelInfo,
    NetworkError,
    QuotaError,
)
from kimi_desktop.api.retry import RetryPolicy
from kimi_desktop.domain import REASONING_EFFORTS
from kimi_desktop.i18n import _, ngettext
from kimi_desktop.services.balance import account_balance
from kimi_desktop.services.choices import ModelChoice
from kimi_desktop.services.thinking import thinking_fields
from kimi_desktop.settings.known_models import fallback_models, thinking_mode
from kimi_desktop.settings.presets import lists_no_models, preset_by_id
from kimi_desktop.settings.profiles import EndpointProfile
from kimi_desktop.settings.url_repair import suggest_base_url

if TYPE_CHECKING:
    import httpx

    from kimi_desktop.api import KimiClient


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
    suggestion = _suggestion(profile)
    if profile.key_required and not api_key:
        return ConnectionReport(False, _("Enter an API key first."))
    from kimi_desktop.api import KimiClient  # brings in httpx: not before it is needed

    started = time.perf_counter()
    client = KimiClient(
        profile.endpoint,
        api_key,
        transport=transport,
        retry=RetryPolicy(max_attempts=1),
        timeout=15.0,
    )
    async with client:
        try:
            if lists_no_models(profile):
                await _ask_one_token(client, profile)
                count = _("It lists no models; a one-token question was answered.")
            else:
                models = await client.list_models()
                count = ngettext(
                    "{n} model available.", "{n} models available.", len(models)
                ).format(n=len(models))
        except ApiError as exc:
            return _describe_failure(exc, _ms(started), suggestion)
        elapsed = _ms(started)
        balance = await _balance(profile, client) if api_key else None
    sentences = [_("Connected in {ms} ms.").format(ms=elapsed)]
    if api_key:
        sentences.append(_("Key accepted."))
    sentences.append(count)
    if balance:
        sentences.append(balance)
    return ConnectionReport(True, " ".join(sentences))


async def _ask_one_token(client: KimiClient, profile: EndpointProfile) -> None:
    """A reply of at most one token: the cheapest request that proves the key works."""
    model = _probe_model(profile)
    # Thinking off where it can be, the least effort where that is the knob: the
    # table decides (this endpoint has no model list to say otherwise).
    choice = ModelChoice(model, thinking=False, effort=REASONING_EFFORTS[0])
    fields = thinking_fields(thinking_mode(ModelInfo(model)), profile.thinking_switch, choice)
    request = ChatRequest(
        model=model,
        messages=[Message("user", "Hi")],
        max_tokens=1,
        thinking=fields.thinking,
        thinking_switch=fields.switch,
        reasoning_effort=fields.effort,
    )
    async for _event in client.stream_chat(request):
        pass


def _probe_model(profile: EndpointProfile) -> str:
    """The model the user last chose here, else the preset's default, else the
    first current Moonshot model."""
    preset = preset_by_id(profile.preset)
    return (
        profile.model or (preset.default_model if preset else None) or fallback_models(None)[0].id
    )


async def _balance(profile: EndpointProfile, client: KimiClient) -> str | None:
    """ "Balance $49.58." where the provider reports it, else ``None``."""
    text = await account_balance(profile, client)
    # TRANSLATORS: the balance ("Balance $49.58") as a sentence of its own.
    return _("{balance}.").format(balance=text) if text else None


def _suggestion(profile: EndpointProfile) -> str | None:
    """A better base URL, unless this is a preset's documented path (which is right)."""
    preset = preset_by_id(profile.preset)
    if preset is not None and urlsplit(preset.base_url).path.rstrip("/") == (
        urlsplit(profile.base_url).path.rstrip("/")
    ):
        return None
    return suggest_base_url(profile.base_url, profile.protocol)


def _describe_failure(exc: ApiError, elapsed: int, suggestion: str | None) -> ConnectionReport:
    if exc.code == "no_models":
        if suggestion:
            return ConnectionReport(
                False,
                _with_hint(
                    _(
                        "The endpoint answered in {ms} ms but has no models list at this address."
                    ).format(ms=elapsed),
                    suggestion,
                ),
                suggestion,
            )
        return ConnectionReport(
            True,
            _(
                "Reachable in {ms} ms. This provider does not list its models, so the key "
                "is checked when you send the first message."
            ).format(ms=elapsed),
        )
    if isinstance(exc, AuthenticationError):
        if exc.status:
            text = _(
                "Reachable in {ms} ms, but the key was rejected ({status}). Check that the "
                "whole key was pasted and that it belongs to this provider."
            ).format(ms=elapsed, status=exc.status)
        else:
            text = _(
                "Reachable in {ms} ms, but the key was rejected. Check that the "
                "whole key was pasted and that it belongs to this provider."
            ).format(ms=elapsed)
        return ConnectionReport(False, text)
    if isinstance(exc, QuotaError):
        return ConnectionReport(
            False,
            # TRANSLATORS: {problem} is the provider's complaint, its first letter lower-cased.
            _("Reachable in {ms} ms and the key works, but {problem}").format(
                ms=elapsed, problem=_lower(exc.message)
            ),
        )
    if isinstance(exc, NetworkError):
        return ConnectionReport(
            False,
            _with_hint(_("Not reachable: {error}").format(error=exc.message), suggestion),
            suggestion,
        )
    return ConnectionReport(False, _with_hint(exc.message, suggestion), suggestion)


def _with_hint(text: str, suggestion: str | None) -> str:
    """``text``, followed by the better address to try when there is one."""
    if not suggestion:
        return text
    # TRANSLATORS: {url} is a web address; the space keeps the "?" out of it when copied.
    hint = _("Did you mean {url} ?").format(url=suggestion)
    return f"{text} {hint}"


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _lower(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]
