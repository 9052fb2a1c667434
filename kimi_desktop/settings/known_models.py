"""What we know about Kimi models when an endpoint does not say.

Moonshot's ``/v1/models`` reports context length, image input and reasoning;
resellers report an id at most, and some have no model list at all. This table
fills the gaps. Prices are USD per million tokens as Moonshot publishes them
(K2.5: $0.10 cache hit / $0.60 input / $3.00 output; K2: $0.15 / $0.60 / $2.50);
where no figure is published here the price is left unknown rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kimi_desktop.domain import ModelInfo
from kimi_desktop.settings.presets import Preset, preset_by_id
from kimi_desktop.settings.prices import Prices
from kimi_desktop.settings.profiles import EndpointProfile

__all__ = [
    "KNOWN_MODELS",
    "KnownModel",
    "effective_prices",
    "fallback_models",
    "known_entry",
    "known_model",
    "known_prices",
    "list_prices_apply",
    "merge_model_info",
]

_K2_5_PRICES = Prices(input_per_mtok=0.60, cached_input_per_mtok=0.10, output_per_mtok=3.00)
_K2_PRICES = Prices(input_per_mtok=0.60, cached_input_per_mtok=0.15, output_per_mtok=2.50)


@dataclass(frozen=True, slots=True)
class KnownModel:
    """One row of the table: the model's capabilities, a display title, list prices."""

    info: ModelInfo
    title: str
    prices: Prices | None = None


_256K = 262_144
_128K = 131_072

# id, title, context length, image input, reasoning, list prices
_ROWS: tuple[tuple[str, str, int, bool, bool, Prices | None], ...] = (
    ("kimi-k2.5", "Kimi K2.5", _256K, True, True, _K2_5_PRICES),
    ("kimi-k2-thinking", "Kimi K2 Thinking", _256K, False, True, None),
    ("kimi-k2-thinking-turbo", "Kimi K2 Thinking Turbo", _256K, False, True, None),
    ("kimi-k2-0905-preview", "Kimi K2 (0905)", _256K, False, False, _K2_PRICES),
    ("kimi-k2-turbo-preview", "Kimi K2 Turbo", _256K, False, False, None),
    ("kimi-k2-0711-preview", "Kimi K2 (0711)", _128K, False, False, _K2_PRICES),
    # kimi-k2.ai's names for the same K2 weights.
    ("kimi-k2", "Kimi K2", _128K, False, False, _K2_PRICES),
    ("kimi-k2-0905", "Kimi K2 (0905)", _256K, False, False, _K2_PRICES),
    ("kimi-latest", "Kimi (latest)", _128K, True, False, None),
    ("moonshot-v1-8k", "Moonshot v1 8K", 8_192, False, False, None),
    ("moonshot-v1-32k", "Moonshot v1 32K", 32_768, False, False, None),
    ("moonshot-v1-128k", "Moonshot v1 128K", _128K, False, False, None),
    ("moonshot-v1-8k-vision-preview", "Moonshot v1 8K Vision", 8_192, True, False, None),
    ("moonshot-v1-32k-vision-preview", "Moonshot v1 32K Vision", 32_768, True, False, None),
    ("moonshot-v1-128k-vision-preview", "Moonshot v1 128K Vision", _128K, True, False, None),
)

KNOWN_MODELS: tuple[KnownModel, ...] = tuple(
    KnownModel(
        info=ModelInfo(
            id=model_id,
            owned_by="moonshot",
            context_length=context,
            supports_images=images,
            supports_reasoning=reasoning,
        ),
        title=title,
        prices=prices,
    )
    for model_id, title, context, images, reasoning, prices in _ROWS
)
"""Known models, newest family first."""

_BY_ID = {entry.info.id: entry for entry in KNOWN_MODELS}

# Suffixes that name a snapshot or a packaging of a model we know: a date
# (-20250905, -2025-09-05, -0905 once the exact id is not known), -preview, -instruct.
_TRAILING_VARIANT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{6}|\d{4}|preview|instruct|latest)$")


def known_entry(model_id: str) -> KnownModel | None:
    """The table row for ``model_id``, tolerating the usual spellings.

    Tries, in order: the id itself (any case); without a provider prefix
    (``moonshotai/Kimi-K2.5``) or a tag (``kimi-k2.5:cloud``); with ``-preview``
    added (``kimi-k2-0711``); then with a trailing date, ``-preview`` or
    ``-instruct`` removed, one at a time (``kimi-k2.5-20260115``).
    """
    name = model_id.strip().lower()
    for candidate in _candidates(name):
        entry = _BY_ID.get(candidate)
        if entry is not None:
            return entry
    return None


def known_model(model_id: str) -> ModelInfo | None:
    """What the table knows about ``model_id`` (the table's id), or ``None``."""
    entry = known_entry(model_id)
    return None if entry is None else entry.info


def known_prices(model_id: str) -> Prices | None:
    """Moonshot's list prices for ``model_id``, or ``None`` if not known."""
    entry = known_entry(model_id)
    return None if entry is None else entry.prices


def effective_prices(profile: EndpointProfile, model_id: str) -> Prices | None:
    """Prices for a cost estimate: the profile's own, else list prices where they apply.

    List prices only apply to endpoints billed at Moonshot's USD prices; a
    reseller or a local server gets no estimate unless the user enters prices.
    """
    if profile.prices is not None:
        return profile.prices
    return known_prices(model_id) if list_prices_apply(profile) else None


def list_prices_apply(profile: EndpointProfile) -> bool:
    """Whether Moonshot's list prices estimate this endpoint's cost when it has none of its own.

    True only for a preset billed at those prices, still at the preset's address.
    """
    preset = preset_by_id(profile.preset)
    return preset is not None and preset.list_prices and preset.base_url == profile.base_url


def merge_model_info(served: ModelInfo, known: ModelInfo | None = None) -> ModelInfo:
    """``served`` with every ``None`` field filled from ``known`` (default: the table).

    What the server says always wins; the id stays the served one.
    """
    if known is None:
        known = known_model(served.id)
    if known is None:
        return served
    return replace(
        served,
        owned_by=served.owned_by if served.owned_by is not None else known.owned_by,
        context_length=(
            served.context_length if served.context_length is not None else known.context_length
        ),
        supports_images=(
            served.supports_images if served.supports_images is not None else known.supports_images
        ),
        supports_reasoning=(
            served.supports_reasoning
            if served.supports_reasoning is not None
            else known.supports_reasoning
        ),
    )


def fallback_models(preset: Preset | str | None) -> list[ModelInfo]:
    """Models to offer when an endpoint has no model list (or it cannot be fetched).

    ``preset`` is a preset or its id; ``None`` (a custom endpoint) offers the
    current Moonshot line-up. Ids not in the table come back with unknown
    capabilities.
    """
    if isinstance(preset, str):
        preset = preset_by_id(preset)
    if preset is None:
        ids: tuple[str, ...] = ("kimi-k2.5", "kimi-k2-thinking", "kimi-k2-0905-preview")
    else:
        ids = preset.fallback_model_ids
        if not ids and preset.default_model:
            ids = (preset.default_model,)
    return [
        replace(known_model(model_id) or ModelInfo(id=model_id), id=model_id) for model_id in ids
    ]


def _candidates(name: str) -> list[str]:
    bare = name.rsplit("/", 1)[-1].split(":", 1)[0]
    names = list(dict.fromkeys([name, bare, bare.replace("-instruct", "")]))
    # Exact spellings first, so "-instruct-0905" finds the 0905 snapshot before
    # the date is stripped.
    result = [candidate for current in names for candidate in (current, f"{current}-preview")]
    for current in names:
        while (shorter := _TRAILING_VARIANT.sub("", current)) != current:
            current = shorter
            result += [current, f"{current}-preview"]
    return result
