"""Token counts and costs as the chat shows them: under a reply and for a whole chat."""

from __future__ import annotations

from kimi_desktop.domain import Usage

_SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€"}


def format_tokens(n: int) -> str:
    """ "9,999", "12.3K", "1.2M": totals stay short."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    return f"{n / 1000:.1f}K" if n >= 10_000 else f"{n:,}"


def format_cost(amount: float, currency: str) -> str:
    """ "$0.0021", "¥1.20": enough digits to see cents-fractions of a reply."""
    digits = 4 if amount < 1 else 2
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{amount:.{digits}f}" if symbol else f"{amount:.{digits}f} {currency}"


def format_usage(usage: Usage | None, cost: str | None = None, *, compact: bool = False) -> str:
    """ "1,234 in · 567 out · 1,000 cached · $0.01" under a reply.

    ``compact`` is a conversation's total in the top bar: counts shortened
    ("12.3K in"), and empty until some reply has reported tokens.
    """
    if compact and (usage is None or not (usage.prompt_tokens or usage.completion_tokens)):
        return ""
    count = format_tokens if compact else "{:,}".format
    parts: list[str] = []
    if usage is not None:
        parts += [f"{count(usage.prompt_tokens)} in", f"{count(usage.completion_tokens)} out"]
        if usage.cached_tokens:
            parts.append(f"{count(usage.cached_tokens)} cached")
    if cost:
        parts.append(cost)
    return " · ".join(parts)
