"""What each provider in the API docs looks like on the wire, for the fake server.

A :class:`Dialect` says where the provider mounts its API (the documented base
URL prefix), which routes exist and how each authenticates, and what its model
list and default replies look like. Error bodies live in ``provider_errors``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tests.fakes.builders import (
    anthropic_stream,
    json_reply,
    openai_stream,
)
from tests.fakes.faults import JsonDict, Reply, sse_from_bytes

DialectName = Literal[
    "moonshot", "moonshot-anthropic", "villamarket", "kimik2", "acedata", "generic"
]
RouteKind = Literal[
    "chat",
    "messages",
    "models",
    "health",
    "file_upload",
    "file_content",
    "file_delete",
    "tokenizer",
]
#: Moonshot's platform routes beside chat, answered from the server's own state.
PLATFORM_KINDS: frozenset[RouteKind] = frozenset(
    {"file_upload", "file_content", "file_delete", "tokenizer"}
)
Auth = Literal["bearer", "x-api-key", "none"]

DATA_DIR = Path(__file__).parent / "data"
ACEDATA_STREAM = (DATA_DIR / "acedata_stream.sse").read_bytes()

# Moonshot-style default conversation: CJK and an em dash so byte splits land
# inside multi-byte characters.
MOONSHOT_REASONING = ("The user", " wants a haiku", " about the sea;", " 海 means sea.")
MOONSHOT_CONTENT = ("Waves fold", " into foam", " —\n", "潮の音", "，海。")
MOONSHOT_USAGE = {
    "prompt_tokens": 19,
    "completion_tokens": 31,
    "total_tokens": 50,
    "cached_tokens": 8,
}
MOONSHOT_TRAILING_USAGE = {
    "prompt_tokens": 19,
    "completion_tokens": 31,
    "total_tokens": 50,
    "prompt_tokens_details": {"cached_tokens": 8},
}
ANTHROPIC_THINKING = ("Short answer", " wanted; ", "用中文也可以。")
ANTHROPIC_TEXT = ("Bonjour", " — こんにちは", "!")
ANTHROPIC_USAGE = {"input_tokens": 12, "cache_read_input_tokens": 4, "output_tokens": 30}
GENERIC_CONTENT = ("Hello", " from", " a local", " model.")


@dataclass(frozen=True)
class Route:
    """One endpoint of a provider: method, full path on the fake, kind and auth scheme.

    A path may hold one ``{id}`` (``/v1/files/{id}/content``): any one path segment.
    """

    method: str
    path: str
    kind: RouteKind
    auth: Auth

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and self.id_in(path) is not None

    def id_in(self, path: str) -> str | None:
        """The ``{id}`` segment of ``path`` ("" for a route without one); ``None`` if no match."""
        if "{id}" not in self.path:
            return "" if path == self.path else None
        head, _, tail = self.path.partition("{id}")
        match = re.fullmatch(re.escape(head) + "([^/]+)" + re.escape(tail), path)
        return match.group(1) if match else None


def moonshot_stream(*, trailing_usage: bool = False) -> Reply:
    """Moonshot's K2.5 stream: reasoning first, one delta with both, usage in the last choice.

    ``trailing_usage`` gives the other shape Moonshot sends: a final ``choices: []``
    chunk with ``prompt_tokens_details.cached_tokens``.
    """
    if trailing_usage:
        return openai_stream(
            MOONSHOT_REASONING, MOONSHOT_CONTENT, MOONSHOT_TRAILING_USAGE, merge_boundary=True
        )
    return openai_stream(
        MOONSHOT_REASONING,
        MOONSHOT_CONTENT,
        MOONSHOT_USAGE,
        usage_in_choice=True,
        merge_boundary=True,
    )


def acedata_stream() -> Reply:
    """The stream from AceData's doc, byte for byte (both reasoning fields, trailing usage)."""
    return sse_from_bytes(ACEDATA_STREAM)


def _model(id_: str, owned_by: str, **extra: Any) -> JsonDict:
    return {"id": id_, "object": "model", "created": 1735785600, "owned_by": owned_by, **extra}


MOONSHOT_MODELS: JsonDict = {
    "object": "list",
    "data": [
        _model(
            "kimi-k2.5",
            "moonshot",
            context_length=262144,
            supports_image_in=True,
            supports_reasoning=True,
        ),
        _model(
            "kimi-k2-0905-preview",
            "moonshot",
            context_length=262144,
            supports_image_in=False,
            supports_reasoning=False,
        ),
        _model(
            "kimi-k2-thinking",
            "moonshot",
            context_length=262144,
            supports_image_in=False,
            supports_reasoning=True,
        ),
    ],
}
KIMIK2_MODELS: JsonDict = {
    "object": "list",
    "data": [
        _model("kimi-k2", "moonshot-ai", permission=[], root="kimi-k2", parent=None),
        _model("kimi-k2-0905", "moonshot-ai", permission=[], root="kimi-k2-0905", parent=None),
    ],
}
VILLAMARKET_MODELS: JsonDict = {
    "object": "list",
    "data": [{"id": "kimi-k2.5", "object": "model", "owned_by": "moonshot-ai"}],
}
GENERIC_MODELS: JsonDict = {"object": "list", "data": [{"id": "local-model", "object": "model"}]}


@dataclass(frozen=True)
class Dialect:
    """How one provider answers: routes, model list and default replies."""

    name: DialectName
    base_path: str
    routes: tuple[Route, ...]
    models: JsonDict | None
    default_stream: Callable[[RouteKind], Reply]
    default_json: Callable[[RouteKind], Reply]
    rate_limit_headers: bool = False


def _openai_routes(base: str, *, auth: Auth = "bearer") -> tuple[Route, ...]:
    return (
        Route("POST", f"{base}/chat/completions", "chat", auth),
        Route("GET", f"{base}/models", "models", auth),
    )


def _moonshot_platform_routes(base: str) -> tuple[Route, ...]:
    """Files (https://platform.moonshot.ai/docs/api/files) and the tokenizer
    (https://platform.moonshot.ai/docs/api/estimate), beside the OpenAI-format chat."""
    return (
        Route("POST", f"{base}/files", "file_upload", "bearer"),
        Route("GET", f"{base}/files/{{id}}/content", "file_content", "bearer"),
        Route("DELETE", f"{base}/files/{{id}}", "file_delete", "bearer"),
        Route("POST", f"{base}/tokenizers/estimate-token-count", "tokenizer", "bearer"),
    )


def _openai_json(
    reasoning: str | None, content: str, usage: JsonDict | None
) -> Callable[[RouteKind], Reply]:
    return lambda kind: json_reply(
        reasoning=reasoning, content=content, usage=usage, finish_reason="stop"
    )


def _kimik2_stream(kind: RouteKind) -> Reply:
    usage = {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14}
    if kind == "messages":
        return anthropic_stream((), ("Hello", " there"), {"input_tokens": 10, "output_tokens": 4})
    return openai_stream((), ("Hello", " there"), usage, model="kimi-k2-0905")


def _kimik2_json(kind: RouteKind) -> Reply:
    if kind == "messages":
        return json_reply(
            protocol="anthropic",
            content="Hello there",
            usage={"input_tokens": 10, "output_tokens": 4},
        )
    return json_reply(
        content="Hello there",
        usage={"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14},
    )


DIALECTS: dict[str, Dialect] = {
    "moonshot": Dialect(
        name="moonshot",
        base_path="/v1",
        routes=(*_openai_routes("/v1"), *_moonshot_platform_routes("/v1")),
        models=MOONSHOT_MODELS,
        default_stream=lambda kind: moonshot_stream(),
        default_json=_openai_json(
            "".join(MOONSHOT_REASONING), "".join(MOONSHOT_CONTENT), MOONSHOT_USAGE
        ),
    ),
    "moonshot-anthropic": Dialect(
        name="moonshot-anthropic",
        base_path="/anthropic",
        routes=(
            Route("POST", "/anthropic/v1/messages", "messages", "x-api-key"),
            Route("GET", "/anthropic/v1/models", "models", "x-api-key"),
            # The same server serves the OpenAI format at /v1, and with it the files API.
            *_moonshot_platform_routes("/v1"),
        ),
        models=MOONSHOT_MODELS,
        default_stream=lambda kind: anthropic_stream(
            ANTHROPIC_THINKING, ANTHROPIC_TEXT, ANTHROPIC_USAGE
        ),
        default_json=lambda kind: json_reply(
            protocol="anthropic",
            reasoning="".join(ANTHROPIC_THINKING),
            content="".join(ANTHROPIC_TEXT),
            usage=ANTHROPIC_USAGE,
        ),
    ),
    "villamarket": Dialect(
        name="villamarket",
        base_path="/v1",
        routes=(*_openai_routes("/v1"), Route("GET", "/health", "health", "none")),
        models=VILLAMARKET_MODELS,
        default_stream=lambda kind: openai_stream(
            MOONSHOT_REASONING,
            MOONSHOT_CONTENT,
            {"prompt_tokens": 15, "completion_tokens": 128, "total_tokens": 143},
        ),
        default_json=_openai_json(
            "".join(MOONSHOT_REASONING),
            "".join(MOONSHOT_CONTENT),
            {"prompt_tokens": 15, "completion_tokens": 128, "total_tokens": 143},
        ),
    ),
    "kimik2": Dialect(
        name="kimik2",
        base_path="/api/v1",
        routes=(
            *_openai_routes("/api/v1"),
            Route("POST", "/api/v1/messages", "messages", "x-api-key"),
        ),
        models=KIMIK2_MODELS,
        default_stream=_kimik2_stream,
        default_json=_kimik2_json,
        rate_limit_headers=True,
    ),
    "acedata": Dialect(
        name="acedata",
        base_path="/kimi",
        routes=(Route("POST", "/kimi/chat/completions", "chat", "bearer"),),
        models=None,
        default_stream=lambda kind: acedata_stream(),
        default_json=_openai_json(
            ' The user has simply said "Hello".',
            " Hello! How can I help you today?",
            {"prompt_tokens": 9, "completion_tokens": 184, "total_tokens": 193},
        ),
    ),
    "generic": Dialect(
        name="generic",
        base_path="/v1",
        routes=_openai_routes("/v1"),
        models=GENERIC_MODELS,
        default_stream=lambda kind: openai_stream((), GENERIC_CONTENT, None, model="local-model"),
        default_json=_openai_json(None, "".join(GENERIC_CONTENT), None),
    ),
}
