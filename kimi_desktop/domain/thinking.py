"""How a model reasons and how a request switches it: the words every layer shares.

Which model reasons how is model knowledge (``settings.known_models``); how an
endpoint wants the switch spelled is the endpoint's setting; the api layer only
writes into the body what a request's :class:`ThinkingFields` say.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "REASONING_EFFORTS",
    "THINKING_SWITCHES",
    "ThinkingFields",
    "ThinkingMode",
    "ThinkingSwitch",
]


class ThinkingMode(enum.StrEnum):
    """What a model allows: no reasoning, a switch, always on, or an effort level."""

    NONE = "none"
    SWITCHABLE = "switchable"  # kimi-k2.5, kimi-k2.6: thinking enabled / disabled
    ALWAYS = "always"  # kimi-k2-thinking(-turbo), kimi-k2.7-code: never send "disabled"
    EFFORT = "effort"  # kimi-k3: reasoning_effort low / high / max, no thinking field
    UNKNOWN = "unknown"  # reasons, but how is not known: send nothing, use the server's default


ThinkingSwitch = Literal["thinking", "chat_template_kwargs", "reasoning_effort", "none"]
"""How an endpoint takes the thinking switch: Moonshot's top-level ``thinking``
object, ``chat_template_kwargs: {"thinking": ...}`` (vLLM / SGLang serving
Kimi-K2.5), ``reasoning_effort``, or not at all."""

THINKING_SWITCHES: tuple[ThinkingSwitch, ...] = (
    "thinking",
    "chat_template_kwargs",
    "reasoning_effort",
    "none",
)

REASONING_EFFORTS: tuple[str, ...] = ("low", "high", "max")
"""The ``reasoning_effort`` values kimi-k3 takes, least to most."""


@dataclass(frozen=True, slots=True)
class ThinkingFields:
    """What one request says about reasoning, ready for the api layer.

    ``thinking`` is ``None`` for the server's default, else on or off, written
    the way ``switch`` names. ``effort`` is sent as ``reasoning_effort`` when set.
    """

    thinking: bool | None = None
    switch: ThinkingSwitch = "thinking"
    effort: str | None = None
