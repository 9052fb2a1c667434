"""What a caller asks of a model, independent of the request format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kimi_desktop.domain import Message


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One chat completion request.

    ``temperature`` and ``max_tokens`` are sent only when set: Kimi K2.5 rejects
    non-default sampling parameters. ``thinking`` is ``None`` for the server's
    default, else it switches reasoning on or off explicitly.
    """

    model: str
    messages: Sequence[Message]
    temperature: float | None = None
    max_tokens: int | None = None
    thinking: bool | None = None
    tools: Sequence[dict[str, object]] = field(default=())
