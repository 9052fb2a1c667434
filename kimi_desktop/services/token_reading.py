"""What the token meter says: the prompt's size against the context, and what sending does.

A :class:`TokenReading` is one measurement; :func:`reading_text` is the composer's
short label ("1,234 / 262,144 tokens", "≈" before an estimate) and
:func:`reading_explanation` the sentences behind it. The provider refuses a
request whose prompt and budget exceed the context ("exceeded model token limit",
"Input token length too long"), so that is said before Send, plainly.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QLocale

from kimi_desktop.i18n import _, ngettext

__all__ = ["NEAR_SHARE", "Level", "TokenReading", "reading_explanation", "reading_text"]

#: A prompt above this share of the context is near the limit, whatever the budget.
NEAR_SHARE = 0.8


class Level(enum.StrEnum):
    """How the prompt stands against the context."""

    OK = "ok"
    NEAR = "near"  # the reply's budget is cut, or little room is left
    OVER = "over"  # the prompt and the budget exceed the context: the provider refuses


@dataclass(frozen=True, slots=True)
class TokenReading:
    """The prompt's size: ``tokens`` against ``context`` (``None``: not known).

    ``budget`` is the reply's budget the request will carry, ``wanted`` the
    conversation's before sending capped it (``None``: not capped); ``exact``
    says the provider counted, rather than this computer estimating.
    """

    tokens: int
    context: int | None
    budget: int
    exact: bool
    wanted: int | None = None

    @property
    def level(self) -> Level:
        if self.context is None:
            return Level.OK
        if self.tokens + self.budget > self.context:
            return Level.OVER
        if self.budget_cut or self.tokens > NEAR_SHARE * self.context:
            return Level.NEAR
        return Level.OK

    @property
    def budget_cut(self) -> bool:
        """Whether sending asks for less than the conversation's budget, to fit the context."""
        return self.wanted is not None and self.budget < self.wanted


def _count(n: int) -> str:
    """ "262,144": grouped in the window's locale (the C locale omits groups by default)."""
    locale = QLocale()
    locale.setNumberOptions(locale.numberOptions() & ~QLocale.NumberOption.OmitGroupSeparator)
    return locale.toString(n)


def reading_text(reading: TokenReading) -> str:
    """ "1,234 / 262,144 tokens", or "≈ 1,234 / 262,144 tokens" for an estimate."""
    tokens = _count(reading.tokens)
    if reading.context is None:
        if reading.exact:
            return ngettext("{tokens} token", "{tokens} tokens", reading.tokens).format(
                tokens=tokens
            )
        # TRANSLATORS: "≈" marks a count estimated on this computer, not by the provider.
        return ngettext("≈ {tokens} token", "≈ {tokens} tokens", reading.tokens).format(
            tokens=tokens
        )
    context = _count(reading.context)
    if reading.exact:
        # TRANSLATORS: the prompt's size against the model's context, like "1,234 / 262,144 tokens".
        return _("{tokens} / {context} tokens").format(tokens=tokens, context=context)
    # TRANSLATORS: as "{tokens} / {context} tokens"; "≈" marks an estimate made on this computer.
    return _("≈ {tokens} / {context} tokens").format(tokens=tokens, context=context)


def reading_explanation(reading: TokenReading) -> str:
    """What the count is and, near or over the limit, what sending will do."""
    lines = [
        _("The prompt's size as the provider counts it.")
        if reading.exact
        else _("An estimate made on this computer; the provider's count may differ.")
    ]
    if reading.context is None:
        lines.append(_("This model's context length is not known."))
    level = reading.level
    if level is Level.OVER:
        lines.append(
            _(
                "The conversation is too long for this model: the provider will refuse it. "
                "Start a new chat or pick a model with a larger context."
            )
        )
    elif level is Level.NEAR and reading.budget_cut:
        lines.append(
            ngettext(
                "The reply's budget will be reduced to fit: {n} token is left for the reply.",
                "The reply's budget will be reduced to fit: {n} tokens are left for the reply.",
                reading.budget,
            ).format(n=_count(reading.budget))
        )
    elif level is Level.NEAR:
        lines.append(
            _(
                "The conversation is close to this model's context length. Start a new chat "
                "or pick a model with a larger context before it gets too long to send."
            )
        )
    return "\n".join(lines)
