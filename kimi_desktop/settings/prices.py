"""What an endpoint charges, and prices as typed in Settings.

Prices are per million tokens, in a currency of the provider's choosing; a
cost estimate needs input, cached-input and output prices. They are kept on an
endpoint profile (see :mod:`.profiles`) or come from the table of known models
(see :mod:`.known_models`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kimi_desktop.domain import Usage
from kimi_desktop.i18n import _

__all__ = ["Prices", "parse_prices"]


@dataclass(frozen=True, slots=True)
class Prices:
    """What a provider charges per million tokens, used for cost estimates."""

    input_per_mtok: float
    cached_input_per_mtok: float
    output_per_mtok: float
    currency: str = "USD"

    def __post_init__(self) -> None:
        for name in ("input_per_mtok", "cached_input_per_mtok", "output_per_mtok"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ValueError(
                    _("a price must be a number of zero or more, not {value}").format(
                        value=repr(value)
                    )
                )
        if not (len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()):
            raise ValueError(
                _("the currency must be a code like USD, not {currency}").format(
                    currency=repr(self.currency)
                )
            )

    def cost(self, usage: Usage) -> float:
        """The price of one reply; cached tokens are part of ``prompt_tokens``."""
        cached = min(usage.cached_tokens, usage.prompt_tokens)
        return (
            (usage.prompt_tokens - cached) * self.input_per_mtok
            + cached * self.cached_input_per_mtok
            + usage.completion_tokens * self.output_per_mtok
        ) / 1_000_000

    def to_dict(self) -> dict[str, object]:
        """The prices as JSON-ready data."""
        return {
            "input_per_mtok": self.input_per_mtok,
            "cached_input_per_mtok": self.cached_input_per_mtok,
            "output_per_mtok": self.output_per_mtok,
            "currency": self.currency,
        }

    @classmethod
    def from_dict(cls, data: object) -> Prices:
        """Prices from stored data; ``ValueError`` in plain words if unusable."""
        if not isinstance(data, Mapping):
            raise ValueError(_("the prices are not a set of named numbers"))
        try:
            currency = data.get("currency", "USD")
            if not isinstance(currency, str):
                raise ValueError(
                    _("the currency must be a code like USD, not {currency}").format(
                        currency=repr(currency)
                    )
                )
            return cls(
                input_per_mtok=data["input_per_mtok"],
                cached_input_per_mtok=data["cached_input_per_mtok"],
                output_per_mtok=data["output_per_mtok"],
                currency=currency,
            )
        except KeyError as exc:
            # TRANSLATORS: {name} is a key of the stored prices, like 'input_per_mtok'.
            raise ValueError(_("the prices lack {name}").format(name=repr(exc.args[0]))) from None


def parse_prices(
    input_text: str, cached_text: str, output_text: str, currency: str = "USD"
) -> Prices | None:
    """Prices as typed in Settings, per million tokens; ``None`` when all are empty.

    Empty fields mean "no prices of my own" (list prices where they apply, else
    no estimate). Input and output are needed once any price is typed; an empty
    cached-input price means cache hits cost the same as input. A decimal comma
    is accepted. Raises :class:`ValueError` with a sentence to show.
    """
    texts = [text.strip() for text in (input_text, cached_text, output_text)]
    if not any(texts):
        return None
    if not texts[0] or not texts[2]:
        raise ValueError(_("Enter both the input and the output price, or leave all prices empty."))
    values = [_price(text) for text in texts if text]
    if len(values) == 2:
        values.insert(1, values[0])
    code = currency.strip().upper()
    if not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise ValueError(_("The currency must be a three-letter code, like USD or CNY."))
    return Prices(values[0], values[1], values[2], code)


def _price(text: str) -> float:
    try:
        value = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(
            _("“{text}” is not a price; type a number such as 0.60.").format(text=text)
        )
    if value < 0:
        raise ValueError(_("A price cannot be negative."))
    return value
