"""Ready-made endpoints: pick one, paste a key, chat.

Base URLs follow the OpenAI SDK convention the API client uses: ``/chat/completions``,
``/models`` and ``/messages`` are appended to them. Sources: each provider's own
documentation (Moonshot AI platform docs, api.kimi.villamarket.ai, kimi-k2.ai,
AceData Cloud). How each endpoint takes the thinking switch: Moonshot's own
``thinking`` object (platform.kimi.ai/docs/api/models-overview) for Moonshot and
the Kimi resellers, ``chat_template_kwargs`` for a local server (vLLM / SGLang
serving Kimi-K2.5: docs.sglang.io, "Kimi-K2.5": "To disable thinking (instant
mode), pass chat_template_kwargs.thinking=false").
"""

from __future__ import annotations

import functools
import gettext
import struct
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from kimi_desktop.domain import Protocol, ThinkingSwitch
from kimi_desktop.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, _, catalog_path
from kimi_desktop.settings.profiles import EndpointProfile

__all__ = [
    "MOONSHOT_MODEL_IDS",
    "PRESETS",
    "Preset",
    "lists_no_models",
    "match_preset",
    "named_in_language",
    "preset_by_id",
    "stored_name",
]


@dataclass(frozen=True, slots=True)
class Preset:
    """A known provider endpoint.

    ``has_models_endpoint`` False means the model list must come from
    ``fallback_model_ids`` (see :func:`kimi_desktop.settings.known_models.fallback_models`).
    ``balance_url`` answers ``GET`` with the account balance, ``health_url`` with
    the server's health, without a key. ``list_prices`` True means Moonshot's
    published USD prices per token apply to this endpoint. ``thinking_switch``
    is how the endpoint takes the thinking switch (the new profile's default).
    Defaults and fallbacks name current models only, never retired ones.

    ``name`` and ``description`` are English, marked with ``N_``: translate them
    with ``_()`` where they are shown. A profile keeps following its preset's
    name in the language of the window until the user renames it (see
    :func:`named_in_language` and :func:`stored_name`).
    """

    id: str
    name: str
    base_url: str
    protocol: Protocol
    default_model: str | None
    has_models_endpoint: bool
    description: str
    key_required: bool = True
    balance_url: str | None = None
    health_url: str | None = None
    fallback_model_ids: tuple[str, ...] = ()
    list_prices: bool = False
    thinking_switch: ThinkingSwitch = "thinking"
    web_search: bool = False

    def to_profile(self, profile_id: str | None = None) -> EndpointProfile:
        """A new endpoint profile for this preset (its id is the preset's by default)."""
        return EndpointProfile(
            id=profile_id or self.id,
            name=_(self.name),
            base_url=self.base_url,
            protocol=self.protocol,
            key_required=self.key_required,
            model=self.default_model,
            preset=self.id,
            thinking_switch=self.thinking_switch,
        )


MOONSHOT_MODEL_IDS: tuple[str, ...] = (
    "kimi-k2.6",
    "kimi-k3",
    "kimi-k2.7-code",
    "kimi-k2.7-code-highspeed",
    "kimi-k2.5",
)
"""Moonshot's current models (platform.kimi.ai/docs/models), the default first:
offered where an endpoint has no model list. The K2 ids before K2.5 were retired
on 2026-05-25 (see :mod:`.known_models`)."""

_MOONSHOT_DEFAULT = MOONSHOT_MODEL_IDS[0]

PRESETS: tuple[Preset, ...] = (
    Preset(
        id="moonshot-global",
        name=N_("Moonshot AI (global)"),
        base_url="https://api.moonshot.ai/v1",
        protocol="openai",
        default_model=_MOONSHOT_DEFAULT,
        has_models_endpoint=True,
        balance_url="https://api.moonshot.ai/v1/users/me/balance",
        fallback_model_ids=MOONSHOT_MODEL_IDS,
        list_prices=True,
        # Kimi's built-in $web_search tool (platform.moonshot.ai/docs/guide/use-web-search).
        web_search=True,
        description=N_("The official Kimi API from Moonshot AI (platform.moonshot.ai)."),
    ),
    Preset(
        id="moonshot-cn",
        name=N_("Moonshot AI (China)"),
        base_url="https://api.moonshot.cn/v1",
        protocol="openai",
        default_model=_MOONSHOT_DEFAULT,
        has_models_endpoint=True,
        balance_url="https://api.moonshot.cn/v1/users/me/balance",
        fallback_model_ids=MOONSHOT_MODEL_IDS,
        # Kimi's built-in $web_search tool (platform.moonshot.ai/docs/guide/use-web-search).
        web_search=True,
        description=N_(
            "The official Kimi API for mainland China (platform.moonshot.cn), billed in CNY."
        ),
    ),
    Preset(
        id="moonshot-anthropic",
        name=N_("Moonshot AI (Anthropic format)"),
        base_url="https://api.moonshot.ai/anthropic",
        protocol="anthropic",
        default_model=_MOONSHOT_DEFAULT,
        has_models_endpoint=False,
        balance_url="https://api.moonshot.ai/v1/users/me/balance",
        fallback_model_ids=MOONSHOT_MODEL_IDS,
        list_prices=True,
        description=N_(
            "The official Kimi API through its Anthropic Messages compatible "
            "interface; uses the same key as Moonshot AI (global)."
        ),
    ),
    Preset(
        id="villamarket",
        name="Kimi VillaMarket",
        base_url="https://api.kimi.villamarket.ai/v1",
        protocol="openai",
        default_model="kimi-k2.5",
        has_models_endpoint=True,
        health_url="https://api.kimi.villamarket.ai/health",
        fallback_model_ids=("kimi-k2.5",),
        description=N_("Kimi K2.5 reseller; usage is metered per key."),
    ),
    Preset(
        id="kimi-k2-ai",
        name=N_("kimi-k2.ai (OpenAI format)"),
        base_url="https://kimi-k2.ai/api/v1",
        protocol="openai",
        default_model="kimi-k2-0905",
        has_models_endpoint=True,
        fallback_model_ids=("kimi-k2-0905", "kimi-k2"),
        description=N_("Kimi K2 reseller billed in credits (one per request)."),
    ),
    Preset(
        id="kimi-k2-ai-anthropic",
        name=N_("kimi-k2.ai (Anthropic format)"),
        base_url="https://kimi-k2.ai/api/v1",
        protocol="anthropic",
        default_model="kimi-k2-0905",
        has_models_endpoint=False,
        fallback_model_ids=("kimi-k2-0905", "kimi-k2"),
        description=N_("kimi-k2.ai through its Anthropic Messages compatible interface."),
    ),
    Preset(
        id="acedata",
        name="AceData Cloud",
        base_url="https://api.acedata.cloud/kimi",
        protocol="openai",
        default_model="kimi-k2.5",
        has_models_endpoint=False,
        # The provider documents kimi-k2.5 only; other ids can be typed in.
        fallback_model_ids=("kimi-k2.5",),
        description=N_("Kimi reseller without a model list; pick or type a model id."),
    ),
    Preset(
        id="local",
        name=N_("Local server (OpenAI-compatible)"),
        base_url="http://127.0.0.1:8080/v1",
        protocol="openai",
        default_model=None,
        has_models_endpoint=True,
        key_required=False,
        thinking_switch="chat_template_kwargs",
        description=N_(
            "llama.cpp, vLLM, Ollama, LM Studio or any OpenAI-compatible server; a key is optional."
        ),
    ),
)
"""Every preset, in the order a first run lists them (Moonshot global first)."""

_BY_ID = {preset.id: preset for preset in PRESETS}


def preset_by_id(preset_id: str | None) -> Preset | None:
    """The preset with this id, or ``None``."""
    return None if preset_id is None else _BY_ID.get(preset_id)


def match_preset(base_url: str, protocol: Protocol) -> Preset | None:
    """The preset whose base URL and protocol these are (ignoring case and a final /)."""
    normalized = base_url.strip().rstrip("/").lower()
    for preset in PRESETS:
        if preset.protocol == protocol and preset.base_url.lower() == normalized:
            return preset
    return None


def lists_no_models(profile: EndpointProfile) -> bool:
    """True for a preset documented without a models endpoint, still at its documented path.

    Such an endpoint answers ``/models`` with an error, so the model list comes
    from the preset and a connection test asks another question.
    """
    preset = preset_by_id(profile.preset)
    if preset is None or preset.has_models_endpoint:
        return False
    return urlsplit(profile.base_url).path.rstrip("/") == urlsplit(preset.base_url).path.rstrip("/")


# -- names that follow the language ----------------------------------------------


def named_in_language(profile: EndpointProfile) -> EndpointProfile:
    """``profile`` with its preset's name in the active language, when it still has
    that name in any language the app ships; otherwise ``profile`` unchanged.

    A built-in endpoint nobody renamed reads "Moonshot AI (global)" in English and
    its Chinese name in Chinese, whichever language first wrote it to disk (files
    written before :func:`stored_name` hold the translated name). A name the user
    typed is never touched.
    """
    preset = _named_after(profile)
    if preset is None:
        return profile
    shown = _(preset.name)
    return profile if profile.name == shown else replace(profile, name=shown)


def stored_name(profile: EndpointProfile) -> str:
    """The name to write for ``profile``: its preset's English name while it still
    has the preset's name, so any language reads it back (and a changed
    translation still matches); else the name as the user typed it."""
    preset = _named_after(profile)
    return profile.name if preset is None else preset.name


def _named_after(profile: EndpointProfile) -> Preset | None:
    """The preset ``profile`` was made from, if it still carries that preset's name."""
    preset = preset_by_id(profile.preset)
    if preset is None:
        return None
    name = profile.name
    if name in (preset.name, _(preset.name)):  # the common cases, without a catalog
        return preset
    return preset if any(name == other.gettext(preset.name) for other in _catalogs()) else None


@functools.cache
def _catalogs() -> tuple[gettext.NullTranslations, ...]:
    """Every shipped translation, loaded once, whichever language is active.

    Read as :func:`kimi_desktop.i18n.install` reads them; a missing or damaged
    catalog is left out (its names then stay as they were stored).
    """
    found: list[gettext.NullTranslations] = []
    for code in LANGUAGES:
        if code == SOURCE_LANGUAGE:
            continue
        try:
            with catalog_path(code).open("rb") as fp:
                found.append(gettext.GNUTranslations(fp))
        except (OSError, ValueError, UnicodeDecodeError, struct.error):
            continue
    return tuple(found)
