"""Prices: the cost of a reply, and prices as typed in Settings (empty means none,
numbers are checked, cached defaults to input)."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import Usage
from kimi_desktop.settings import EndpointProfile, Prices, list_prices_apply, parse_prices


def test_prices_cost_counts_cached_tokens_at_their_price() -> None:
    prices = Prices(input_per_mtok=0.60, cached_input_per_mtok=0.10, output_per_mtok=3.00)

    cost = prices.cost(
        Usage(prompt_tokens=1_000_000, completion_tokens=500_000, cached_tokens=400_000)
    )

    assert cost == pytest.approx(0.6 * 0.6 + 0.4 * 0.1 + 0.5 * 3.0)


def test_all_empty_means_no_prices_of_its_own() -> None:
    assert parse_prices("", "  ", "", "USD") is None
    assert parse_prices("", "", "", "") is None  # the currency alone is not a price


def test_typed_prices_with_a_decimal_comma_and_a_lower_case_currency() -> None:
    assert parse_prices("0,60", "0.10", " 3 ", "cny") == Prices(0.60, 0.10, 3.0, "CNY")


def test_an_empty_cached_price_costs_the_same_as_input() -> None:
    assert parse_prices("1.5", "", "4", "EUR") == Prices(1.5, 1.5, 4.0, "EUR")


def test_zero_is_a_price() -> None:
    assert parse_prices("0", "0", "0") == Prices(0.0, 0.0, 0.0, "USD")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("-0.5", "", "1", "USD"), "A price cannot be negative."),
        (("0.5", "-1", "1", "USD"), "A price cannot be negative."),
        (("cheap", "", "1", "USD"), "“cheap” is not a price; type a number such as 0.60."),
        (("nan", "", "1", "USD"), "“nan” is not a price"),
        (("inf", "", "1", "USD"), "“inf” is not a price"),
        (("0.5", "", "", "USD"), "Enter both the input and the output price"),
        (("", "0.1", "", "USD"), "Enter both the input and the output price"),
        (("0.5", "", "1", "US$"), "The currency must be a three-letter code, like USD or CNY."),
        (("0.5", "", "1", ""), "The currency must be a three-letter code"),
    ],
)
def test_unusable_input_is_refused_in_words(fields: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        parse_prices(*fields)


def test_list_prices_apply_only_to_a_list_priced_preset_at_its_own_address() -> None:
    moonshot = EndpointProfile(
        "m", "Moonshot", "https://api.moonshot.ai/v1", preset="moonshot-global"
    )
    moved = EndpointProfile(
        "m", "Moonshot", "https://mirror.example.com/v1", preset="moonshot-global"
    )
    reseller = EndpointProfile(
        "v", "Villa", "https://api.kimi.villamarket.ai/v1", preset="villamarket"
    )
    custom = EndpointProfile("c", "Custom", "http://127.0.0.1:8080/v1")
    assert list_prices_apply(moonshot)
    assert not list_prices_apply(moved)
    assert not list_prices_apply(reseller)
    assert not list_prices_apply(custom)
