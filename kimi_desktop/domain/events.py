"""Typed events a chat stream yields, in arrival order."""

from __future__ import annotations

from dataclasses import dataclass

from kimi_desktop.domain.messages import Message, ToolCall


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
    ``tool_turns`` are the turns web search rounds added before the answer, in
    order (per round, the assistant turn with its ``tool_calls`` and one
    ``"tool"`` turn per call): sent between the prompt and the answer, they
    repeat the conversation exactly as the model saw it.
    """

    reason: str
    tool_calls: tuple[ToolCall, ...] = ()
    reasoning_field: str | None = None
    tool_turns: tuple[Message, ...] = ()


StreamEvent = ReasoningDelta | ContentDelta | WebSearch | Usage | Finish
