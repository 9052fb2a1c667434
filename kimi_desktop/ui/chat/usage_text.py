"""Token counts and costs as the chat shows them: under a reply and for a whole chat."""

from __future__ import annotations

from PySide6.QtCore import QLocale

from kimi_desktop.domain import Usage
from kimi_desktop.i18n import _

_SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€"}

WEB_SEARCH_PRICES = {"USD": 0.005, "CNY": 0.03}
"""What one call of Kimi's built-in ``$web_search`` tool costs, by the currency the
endpoint bills in: $0.005 on the international platform
(platform.kimi.ai/docs/pricing/tools, "WebSearch Pricing"), ¥0.03 on the China one
(platform.kimi.com/docs/pricing/tools, "联网搜索定价"). Moonshot charges it for
each response that ends in ``tool_calls`` naming ``$web_search``; the tokens the
results add are billed as input and already counted in the reply's usage."""


def web_search_cost(searches: int, currency: str) -> float | None:
    """The price of ``searches`` web searches in ``currency``; ``None`` where Moonshot
    publishes no price in it (and the cost shown leaves the searches out)."""
    price = WEB_SEARCH_PRICES.get(currency)
    return None if price is None else searches * price


def _locale(*, grouped: bool) -> QLocale:
    """The window's number format, with or without thousands separators.

    Explicit either way: the C locale (no language chosen) omits them by default.
    """
    locale = QLocale()
    omit = QLocale.NumberOption.OmitGroupSeparator
    options = locale.numberOptions()
    locale.setNumberOptions(options & ~omit if grouped else options | omit)
    return locale


def _count(n: int) -> str:
    """ "1,234": a whole count with thousands separators."""
    return _locale(grouped=True).toString(n)


def _decimal(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` digits after the point, without thousands separators.

    Rounded by Python first, so a tie rounds as ``format`` does ("1.2M" for
    1,250,000) where QLocale alone would round it up.
    """
    return _locale(grouped=False).toString(round(value, decimals), "f", decimals)


def format_tokens(n: int) -> str:
    """ "9,999", "12.3K", "1.2M": totals stay short."""
    if n >= 1_000_000:
        return f"{_decimal(n / 1_000_000, 1)}M"
    return f"{_decimal(n / 1000, 1)}K" if n >= 10_000 else _count(n)


def format_cost(amount: float, currency: str) -> str:
    """ "$0.0021", "¥1.20": enough digits to see cents-fractions of a reply."""
    digits = 4 if amount < 1 else 2
    symbol = _SYMBOLS.get(currency)
    number = _decimal(amount, digits)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def format_usage(usage: Usage | None, cost: str | None = None, *, compact: bool = False) -> str:
    """ "1,234 in · 567 out · 1,000 cached · $0.01" under a reply.

    ``compact`` is a conversation's total in the top bar: counts shortened
    ("12.3K in"), and empty until some reply has reported tokens.
    """
    if compact and (usage is None or not (usage.prompt_tokens or usage.completion_tokens)):
        return ""
    count = format_tokens if compact else _count
    parts: list[str] = []
    if usage is not None:
        parts += [
            # TRANSLATORS: tokens sent to the model, in a usage line such as "1,234 in · 567 out".
            _("{tokens} in").format(tokens=count(usage.prompt_tokens)),
            # TRANSLATORS: tokens the model wrote, in a usage line such as "1,234 in · 567 out".
            _("{tokens} out").format(tokens=count(usage.completion_tokens)),
        ]
        if usage.cached_tokens:
            # TRANSLATORS: input tokens served from the provider's cache, in a usage line.
            parts.append(_("{tokens} cached").format(tokens=count(usage.cached_tokens)))
    if cost:
        parts.append(cost)
    return " · ".join(parts)
