"""Small values the presenters and the window pass between them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Page(Enum):
    """What the window's right side shows."""

    CHAT = "chat"
    WELCOME = "welcome"


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The model picked in the top bar and its thinking switch (``None``: server default).

    ``effort`` is the reasoning effort picked for a model that takes one instead
    of a switch (kimi-k3), ``None`` for the server's default.
    """

    model: str
    thinking: bool | None = None
    effort: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A line above the composer (empty text hides it), maybe with one button."""

    text: str = ""
    error: bool = True
    action: tuple[str, Callable[[], None]] | None = None
