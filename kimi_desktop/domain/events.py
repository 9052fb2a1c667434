"""Typed events a chat stream yields, in arrival order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of the model's reasoning (thinking) text."""

    text: str


@dataclass(frozen=True, slots=True)
class ContentDelta:
    """A piece of the answer text."""

    text: str


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A fragment of a tool call; fragments with the same ``index`` belong together."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A complete tool call, accumulated from its deltas.

    ``type`` is kept as received: Kimi's built-in tools are ``"builtin_function"``
    and must be sent back that way.
    """

    id: str
    name: str
    arguments: str
    type: str = "function"


@dataclass(frozen=True, slots=True)
class WebSearch:
    """The model searched the web (Kimi's built-in ``$web_search``) before answering.

    ``query`` is what it searched for, when the call's arguments say so.
    """

    query: str | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one reply; ``cached_tokens`` is part of ``prompt_tokens``."""

    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Finish:
    """The stream ended normally; ``reason`` is "stop", "length", "tool_calls", ...

    ``tool_calls`` holds the calls accumulated over the stream, if any.
    ``reasoning_field`` is the field the reasoning arrived in
    (``"reasoning_content"`` or ``"reasoning"``), ``None`` when there was none
    or it came inline; history sends reasoning back under that name.
    """

    reason: str
    tool_calls: tuple[ToolCall, ...] = ()
    reasoning_field: str | None = None


StreamEvent = ReasoningDelta | ContentDelta | WebSearch | Usage | Finish
