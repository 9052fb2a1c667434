"""Per-format URLs, headers, bodies and parsers, behind one small interface.

The client is written once against :class:`Dialect`; adding a request format
means adding one of these, not another branch in the client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kimi_desktop import __version__
from kimi_desktop.api import anthropic_messages, openai_chat
from kimi_desktop.api.request import ChatRequest
from kimi_desktop.domain import Endpoint, ModelInfo, StreamEvent

USER_AGENT = f"kimi-desktop/{__version__}"


class StreamParser(Protocol):
    """Turns SSE messages into events; ``finish`` closes (or rejects) the stream."""

    def feed(self, event: str, data: str) -> list[StreamEvent]: ...

    def finish(self) -> list[StreamEvent]: ...


@dataclass(frozen=True, slots=True)
class Dialect:
    """Everything that differs between the OpenAI and Anthropic formats.

    ``headers`` hold the key, so they stay out of ``repr`` (which ends up in
    logs and tracebacks). Parsers take the key to redact it from errors.
    """

    chat_url: str
    models_url: str
    headers: dict[str, str] = field(repr=False)
    build_body: Callable[[ChatRequest], dict[str, Any]] = field(repr=False)
    stream_parser: Callable[[str | None], StreamParser] = field(repr=False)
    parse_completion: Callable[[Any, str | None], list[StreamEvent]] = field(repr=False)
    parse_models: Callable[[Any], list[ModelInfo]] = field(repr=False)
    #: For ``GET models_url``: the chat headers, unless the format needs others.
    models_headers: dict[str, str] = field(repr=False)


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + path


def openai_dialect(endpoint: Endpoint, api_key: str) -> Dialect:
    """``<base>/chat/completions`` with a Bearer key (none for keyless local servers)."""
    headers = {"user-agent": USER_AGENT}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    return Dialect(
        chat_url=_join(endpoint.base_url, "/chat/completions"),
        models_url=_join(endpoint.base_url, "/models"),
        headers=headers,
        models_headers=headers,
        build_body=openai_chat.build_body,
        stream_parser=openai_chat.OpenAIStreamParser,
        parse_completion=openai_chat.parse_completion,
        parse_models=openai_chat.parse_models,
    )


def anthropic_dialect(endpoint: Endpoint, api_key: str) -> Dialect:
    """``/messages`` with ``x-api-key``.

    Providers document the base either with ``/v1`` (kimi-k2.ai:
    ``https://kimi-k2.ai/api/v1``) or without it, Anthropic SDK style
    (Moonshot: ``https://api.moonshot.ai/anthropic``); both must work.
    The model list also gets a Bearer key: kimi-k2.ai documents ``/v1/models``
    only for its OpenAI-format (Bearer) clients, and it is the same server.
    """
    base = endpoint.base_url.rstrip("/")
    if not base.endswith("/v1"):
        base += "/v1"
    headers = {
        "user-agent": USER_AGENT,
        "anthropic-version": anthropic_messages.ANTHROPIC_VERSION,
    }
    models_headers = dict(headers)
    if api_key:
        headers["x-api-key"] = api_key
        models_headers.update({"x-api-key": api_key, "authorization": f"Bearer {api_key}"})
    return Dialect(
        chat_url=base + "/messages",
        models_url=base + "/models",
        headers=headers,
        models_headers=models_headers,
        build_body=anthropic_messages.build_body,
        stream_parser=anthropic_messages.AnthropicStreamParser,
        parse_completion=anthropic_messages.parse_message,
        parse_models=anthropic_messages.parse_models,
    )


def dialect_for(endpoint: Endpoint, api_key: str) -> Dialect:
    """The dialect an endpoint's ``protocol`` names."""
    if endpoint.protocol == "anthropic":
        return anthropic_dialect(endpoint, api_key)
    return openai_dialect(endpoint, api_key)
