"""What a caller asks of a model, independent of the request format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kimi_desktop.domain import Message
from kimi_desktop.domain.thinking import ThinkingSwitch


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One chat completion request.

    ``temperature`` and ``max_tokens`` are sent only when set: Kimi K2.5 rejects
    non-default sampling parameters. ``thinking`` is ``None`` for the server's
    default, else it switches reasoning on or off explicitly, written the way
    ``thinking_switch`` names (see :mod:`kimi_desktop.domain.thinking`).
    ``reasoning_effort`` is sent as is when set. ``web_search`` declares Kimi's
    built-in ``$web_search`` tool and makes the client run the tool loop.
    """

    model: str
    messages: Sequence[Message]
    temperature: float | None = None
    max_tokens: int | None = None
    thinking: bool | None = None
    tools: Sequence[dict[str, object]] = field(default=())
    thinking_switch: ThinkingSwitch = "thinking"
    reasoning_effort: str | None = None
    web_search: bool = False
