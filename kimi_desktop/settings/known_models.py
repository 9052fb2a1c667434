"""What we know about Kimi models when an endpoint does not say: the one table.

Moonshot's ``/v1/models`` reports context length, image and video input and
whether a model reasons; resellers report an id at most, and some have no model
list at all. This table fills the gaps, says how each model reasons (a
:class:`~kimi_desktop.domain.ThinkingMode`), its list prices, and whether
Moonshot has retired the id (``legacy``: marked in the picker, never a default).
Everything else (presets' fallbacks, the picker, requests, cost estimates) reads it.

Sources, as of 2026-12:

- Models overview and per-model parameters: platform.kimi.ai/docs/models and
  /docs/api/models-overview (formerly platform.moonshot.ai, which redirects there).
- Thinking guide: platform.kimi.ai/docs/guide/use-kimi-k2-thinking-model —
  kimi-k2.7-code(-highspeed) take only ``{"type": "enabled"}`` ("Passing
  "disabled" errors"); kimi-k2.6 and kimi-k2.5 take enabled / disabled.
- Prices (USD per million tokens, cache hit / miss / output): platform.kimi.ai/docs/
  pricing/chat-k3, chat-k27-code, chat-k26, chat-k25, chat-v1, cross-checked against
  enricoros/big-AGI's Moonshot catalog (moonshot.models.ts, updated 2026-08-17),
  which tracks those pages and notes that the K2 series below K2.5 (0711, 0905,
  turbo, thinking, thinking-turbo) was discontinued on 2026-05-25.
- MoonshotAI/kimi-cli: ``src/kimi_cli/auth/platforms.py`` reads ``supports_video_in``
  and treats ids with "thinking" in them as always thinking; ``llm.py`` never turns
  thinking off for such a model.

Where a price is not published (kimi-latest, the kimi-k2.ai names) it is left
unknown rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TypeVar

from kimi_desktop.domain import ModelInfo, ThinkingMode
from kimi_desktop.settings.presets import MOONSHOT_MODEL_IDS, Preset, preset_by_id
from kimi_desktop.settings.prices import Prices
from kimi_desktop.settings.profiles import EndpointProfile

__all__ = [
    "KNOWN_MODELS",
    "KnownModel",
    "accepts_temperature",
    "effective_prices",
    "fallback_models",
    "is_legacy",
    "known_entry",
    "known_model",
    "known_prices",
    "list_prices_apply",
    "merge_model_info",
    "thinking_mode",
]


@dataclass(frozen=True, slots=True)
class KnownModel:
    """One row of the table: capabilities, a display title, list prices, how it
    reasons, and whether Moonshot has retired the id."""

    info: ModelInfo
    title: str
    thinking: ThinkingMode
    prices: Prices | None = None
    legacy: bool = False


_T = TypeVar("_T")

_1M = 1_048_576
_256K = 262_144
_128K = 131_072

_SWITCHABLE, _ALWAYS, _EFFORT, _NONE = (
    ThinkingMode.SWITCHABLE,
    ThinkingMode.ALWAYS,
    ThinkingMode.EFFORT,
    ThinkingMode.NONE,
)


def _usd(cache_hit: float, cache_miss: float, output: float) -> Prices:
    """Prices in the order Moonshot's pricing pages list them."""
    return Prices(
        input_per_mtok=cache_miss, cached_input_per_mtok=cache_hit, output_per_mtok=output
    )


def _row(
    model_id: str,
    title: str,
    context: int,
    thinking: ThinkingMode,
    *,
    images: bool = False,
    video: bool = False,
    prices: Prices | None = None,
    legacy: bool = False,
) -> KnownModel:
    return KnownModel(
        info=ModelInfo(
            id=model_id,
            owned_by="moonshot",
            context_length=context,
            supports_images=images,
            supports_reasoning=thinking is not _NONE,
            supports_video=video,
        ),
        title=title,
        thinking=thinking,
        prices=prices,
        legacy=legacy,
    )


_K2_PRICES = _usd(0.15, 0.60, 2.50)
_K2_TURBO_PRICES = _usd(0.15, 1.15, 8.00)

KNOWN_MODELS: tuple[KnownModel, ...] = (
    # Current models (pricing pages chat-k3, chat-k27-code, chat-k26, chat-k25).
    # kimi-k3: reasoning_effort low / high / max and no thinking field.
    _row(
        "kimi-k3", "Kimi K3", _1M, _EFFORT, images=True, video=True, prices=_usd(0.30, 3.00, 15.00)
    ),
    _row(
        "kimi-k2.7-code",
        "Kimi K2.7 Code",
        _256K,
        _ALWAYS,
        images=True,
        video=True,
        prices=_usd(0.19, 0.95, 4.00),
    ),
    _row(
        "kimi-k2.7-code-highspeed",
        "Kimi K2.7 Code Highspeed",
        _256K,
        _ALWAYS,
        images=True,
        video=True,
        prices=_usd(0.38, 1.90, 8.00),
    ),
    _row(
        "kimi-k2.6",
        "Kimi K2.6",
        _256K,
        _SWITCHABLE,
        images=True,
        video=True,
        prices=_usd(0.16, 0.95, 4.00),
    ),
    # Video input for K2.5: the models overview and kimi-cli's "kimi-k2" capabilities.
    _row(
        "kimi-k2.5",
        "Kimi K2.5",
        _256K,
        _SWITCHABLE,
        images=True,
        video=True,
        prices=_usd(0.10, 0.60, 3.00),
    ),
    # Retired from Moonshot's API on 2026-05-25; still served by some resellers.
    _row("kimi-k2-thinking", "Kimi K2 Thinking", _256K, _ALWAYS, prices=_K2_PRICES, legacy=True),
    _row(
        "kimi-k2-thinking-turbo",
        "Kimi K2 Thinking Turbo",
        _256K,
        _ALWAYS,
        prices=_K2_TURBO_PRICES,
        legacy=True,
    ),
    _row("kimi-k2-0905-preview", "Kimi K2 (0905)", _256K, _NONE, prices=_K2_PRICES, legacy=True),
    _row(
        "kimi-k2-turbo-preview",
        "Kimi K2 Turbo",
        _256K,
        _NONE,
        prices=_K2_TURBO_PRICES,
        legacy=True,
    ),
    _row("kimi-k2-0711-preview", "Kimi K2 (0711)", _128K, _NONE, prices=_K2_PRICES, legacy=True),
    # kimi-k2.ai's names for the K2 weights: that reseller's current ids, not Moonshot's.
    _row("kimi-k2", "Kimi K2", _128K, _NONE, prices=_K2_PRICES),
    _row("kimi-k2-0905", "Kimi K2 (0905)", _256K, _NONE, prices=_K2_PRICES),
    # An alias Moonshot no longer offers; its price was never a single figure.
    _row("kimi-latest", "Kimi (latest)", _128K, _NONE, images=True, legacy=True),
    # moonshot-v1: closed to new accounts, sunset on 2026-08-31 (pricing page chat-v1).
    # No context caching for these, so a cache hit costs what any input costs.
    _row(
        "moonshot-v1-8k", "Moonshot v1 8K", 8_192, _NONE, prices=_usd(0.20, 0.20, 2.00), legacy=True
    ),
    _row(
        "moonshot-v1-32k",
        "Moonshot v1 32K",
        32_768,
        _NONE,
        prices=_usd(1.00, 1.00, 3.00),
        legacy=True,
    ),
    _row(
        "moonshot-v1-128k",
        "Moonshot v1 128K",
        _128K,
        _NONE,
        prices=_usd(2.00, 2.00, 5.00),
        legacy=True,
    ),
    _row(
        "moonshot-v1-8k-vision-preview",
        "Moonshot v1 8K Vision",
        8_192,
        _NONE,
        images=True,
        prices=_usd(0.20, 0.20, 2.00),
        legacy=True,
    ),
    _row(
        "moonshot-v1-32k-vision-preview",
        "Moonshot v1 32K Vision",
        32_768,
        _NONE,
        images=True,
        prices=_usd(1.00, 1.00, 3.00),
        legacy=True,
    ),
    _row(
        "moonshot-v1-128k-vision-preview",
        "Moonshot v1 128K Vision",
        _128K,
        _NONE,
        images=True,
        prices=_usd(2.00, 2.00, 5.00),
        legacy=True,
    ),
)
"""Known models: current ones newest first, then the retired ones."""

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


def is_legacy(model_id: str) -> bool:
    """Whether Moonshot has retired exactly this id (any case).

    Only the exact id counts: a self-hosted ``moonshotai/Kimi-K2-Instruct-0905``
    is not retired because Moonshot's ``kimi-k2-0905-preview`` is.
    """
    entry = _BY_ID.get(model_id.strip().lower())
    return entry is not None and entry.legacy


def thinking_mode(info: ModelInfo) -> ThinkingMode:
    """How a request may switch this model's reasoning.

    The table's mode for the model's id (the spellings :func:`known_entry`
    tolerates). A model the table does not know but whose server says it
    reasons is :attr:`ThinkingMode.UNKNOWN`: nothing is sent and the server
    decides, since a guessed switch could be refused with a 400. Otherwise
    :attr:`ThinkingMode.NONE`.
    """
    entry = known_entry(info.id)
    if entry is not None:
        return entry.thinking
    return ThinkingMode.UNKNOWN if info.supports_reasoning else ThinkingMode.NONE


# -- sampling ------------------------------------------------------------------

#: Models whose sampling is fixed: "temperature ... Cannot be modified" for kimi-k2.5
#: and kimi-k2.6 (platform.kimi.ai/docs/api/models-overview, "Parameter Comparison"),
#: so a request with another temperature is refused. kimi-k2.7-code is built on K2.6
#: and kimi-k3 is not in that table: both are treated the same way, the conservative
#: choice. The K2 series, kimi-k2-thinking and moonshot-v1 take a temperature (0 to 1).
_FIXED_SAMPLING = frozenset(
    {"kimi-k3", "kimi-k2.7-code", "kimi-k2.7-code-highspeed", "kimi-k2.6", "kimi-k2.5"}
)


def accepts_temperature(model_id: str) -> bool:
    """Whether a request for ``model_id`` may carry a temperature of its own.

    False for the K2.5 family (the spellings :func:`known_entry` tolerates); a
    model the table does not know (a self-hosted server's) takes one.
    """
    entry = known_entry(model_id)
    return entry is None or entry.info.id not in _FIXED_SAMPLING


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
        owned_by=_first(served.owned_by, known.owned_by),
        context_length=_first(served.context_length, known.context_length),
        supports_images=_first(served.supports_images, known.supports_images),
        supports_reasoning=_first(served.supports_reasoning, known.supports_reasoning),
        supports_video=_first(served.supports_video, known.supports_video),
    )


def fallback_models(preset: Preset | str | None) -> list[ModelInfo]:
    """Models to offer when an endpoint has no model list (or it cannot be fetched).

    ``preset`` is a preset or its id; ``None`` (a custom endpoint) offers
    Moonshot's current line-up. Ids not in the table come back with unknown
    capabilities.
    """
    if isinstance(preset, str):
        preset = preset_by_id(preset)
    if preset is None:
        ids: tuple[str, ...] = MOONSHOT_MODEL_IDS
    else:
        ids = preset.fallback_model_ids
        if not ids and preset.default_model:
            ids = (preset.default_model,)
    return [
        replace(known_model(model_id) or ModelInfo(id=model_id), id=model_id) for model_id in ids
    ]


def _first(served: _T | None, known: _T | None) -> _T | None:
    return served if served is not None else known


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
