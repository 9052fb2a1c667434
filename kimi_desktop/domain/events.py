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
    """A complete tool call, accumulated from its deltas."""

    id: str
    name: str
    arguments: str


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
    """

    reason: str
    tool_calls: tuple[ToolCall, ...] = ()


StreamEvent = ReasoningDelta | ContentDelta | Usage | Finish
