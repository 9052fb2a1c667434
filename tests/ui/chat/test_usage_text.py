"""Token counts and costs as text: under a reply, and a chat's total."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import Usage
from kimi_desktop.ui.chat.usage_text import format_cost, format_tokens, format_usage


def test_costs_are_readable_in_their_currency() -> None:
    assert format_cost(0.00213, "USD") == "$0.0021"
    assert format_cost(12.5, "CNY") == "¥12.50"
    assert format_cost(0.5, "GBP") == "0.5000 GBP"


def test_token_totals_stay_short() -> None:
    assert format_tokens(9_999) == "9,999"
    assert format_tokens(12_345) == "12.3K"
    assert format_tokens(1_250_000) == "1.2M"


def test_a_chats_total_names_cached_tokens_and_cost_only_when_present() -> None:
    assert format_usage(Usage(0, 0), "$0.0000", compact=True) == ""
    assert format_usage(Usage(120, 80), compact=True) == "120 in · 80 out"
    assert (
        format_usage(Usage(120, 80, 64), "$0.0003", compact=True)
        == "120 in · 80 out · 64 cached · $0.0003"
    )


@pytest.mark.parametrize(
    ("usage", "cost", "text"),
    [
        (Usage(1234, 567, 1000), None, "1,234 in · 567 out · 1,000 cached"),
        (Usage(10, 2), "$0.0001", "10 in · 2 out · $0.0001"),
        (None, None, ""),
    ],
)
def test_format_usage(usage, cost, text):
    assert format_usage(usage, cost) == text


def test_a_chats_total_shortens_large_counts() -> None:
    assert format_usage(Usage(12_345, 1_250_000), compact=True) == "12.3K in · 1.2M out"
    assert format_usage(Usage(12_345, 1_250_000)) == "12,345 in · 1,250,000 out"


def test_web_searches_are_priced_in_the_currency_moonshot_bills() -> None:
    from kimi_desktop.ui.chat.usage_text import web_search_cost

    assert web_search_cost(3, "USD") == pytest.approx(0.015)
    assert web_search_cost(2, "CNY") == pytest.approx(0.06)
    assert web_search_cost(2, "EUR") is None
