"""Endpoint profiles: a provider URL, its request format and what the user chose for it.

A profile is what the endpoint list in Settings shows and what ``endpoints.json``
stores. It never holds the API key: keys live in the keyring under the profile's
``id`` (see :mod:`.secrets`), which therefore never changes once created.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from kimi_desktop.domain import THINKING_SWITCHES, Endpoint, Protocol, ThinkingSwitch
from kimi_desktop.i18n import N_, _
from kimi_desktop.settings.prices import Prices
from kimi_desktop.settings.urls import proxy_problems, split_url

__all__ = [
    "ENVIRONMENT_ENDPOINT_ID",
    "PROTOCOLS",
    "THINKING_SWITCH_TITLES",
    "EndpointProfile",
    "new_profile_id",
]

ENVIRONMENT_ENDPOINT_ID = "env"
"""Reserved id of the endpoint built from environment variables; never stored."""

PROTOCOLS: tuple[Protocol, ...] = ("openai", "anthropic")

THINKING_SWITCH_TITLES: dict[ThinkingSwitch, str] = {
    # TRANSLATORS: how an endpoint switches thinking; "thinking" is the request field's name.
    "thinking": N_("Moonshot (thinking)"),
    # TRANSLATORS: how an endpoint switches thinking; keep "chat_template_kwargs" as is.
    "chat_template_kwargs": N_("vLLM / SGLang (chat_template_kwargs)"),
    # TRANSLATORS: how an endpoint switches thinking; keep "reasoning_effort" as is.
    "reasoning_effort": N_("OpenAI style (reasoning_effort)"),
    # TRANSLATORS: how an endpoint switches thinking: it cannot be switched, the server decides.
    "none": N_("Not at all"),
}
"""What Settings calls each way of switching thinking (English; translate with ``_()``)."""

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


@dataclass(frozen=True, slots=True)
class EndpointProfile:
    """A provider endpoint as the user configured it.

    ``id`` is stable for the profile's whole life (the keyring entry is filed
    under it); ``name`` is what the user sees and may change. ``key_required``
    is False for local servers that accept requests without a key. ``prices``
    overrides the known list prices for cost estimates. ``model`` is the model
    last used here; ``preset`` the id of the preset it was made from, if any.
    ``thinking_switch`` is how requests to it switch a model's thinking (see
    :data:`~kimi_desktop.domain.ThinkingSwitch`).
    """

    id: str
    name: str
    base_url: str
    protocol: Protocol = "openai"
    proxy: str | None = None
    key_required: bool = True
    prices: Prices | None = None
    model: str | None = None
    preset: str | None = None
    thinking_switch: ThinkingSwitch = "thinking"

    def __post_init__(self) -> None:
        if not _ID_PATTERN.match(self.id):
            raise ValueError(
                _("endpoint id {id} must be lower-case letters, digits, '.', '_' or '-'").format(
                    id=repr(self.id)
                )
            )
        if not self.name.strip():
            raise ValueError(_("the endpoint needs a name"))
        if self.protocol not in PROTOCOLS:
            raise ValueError(
                _("unknown protocol {protocol}; use 'openai' or 'anthropic'").format(
                    protocol=repr(self.protocol)
                )
            )
        if self.thinking_switch not in THINKING_SWITCHES:
            raise ValueError(
                _("unknown thinking switch {switch}").format(switch=repr(self.thinking_switch))
            )
        parts = split_url(self.base_url)
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                _("{url} is not an http:// or https:// address").format(url=repr(self.base_url))
            )
        if parts.password is not None:
            raise ValueError(_("the base URL must not contain a password"))
        if self.proxy is not None:
            problems = proxy_problems(self.proxy)
            if problems:
                raise ValueError(problems[0])

    @property
    def endpoint(self) -> Endpoint:
        """The wire-level endpoint the API client needs."""
        return Endpoint(
            id=self.id,
            name=self.name,
            base_url=self.base_url,
            protocol=self.protocol,
            proxy=self.proxy,
        )

    def with_model(self, model: str | None) -> EndpointProfile:
        """A copy remembering ``model`` as the last one used."""
        return replace(self, model=model)

    def to_dict(self) -> dict[str, object]:
        """The profile as JSON-ready data (no key: profiles never hold one)."""
        return {
            "id": self.id,
            "name": self.name,
            "base_url": self.base_url,
            "protocol": self.protocol,
            "proxy": self.proxy,
            "key_required": self.key_required,
            "prices": None if self.prices is None else self.prices.to_dict(),
            "model": self.model,
            "preset": self.preset,
            "thinking_switch": self.thinking_switch,
        }

    @classmethod
    def from_dict(
        cls, data: object, *, thinking_switch: ThinkingSwitch = "thinking"
    ) -> EndpointProfile:
        """A profile from stored data; ``ValueError`` saying what is wrong.

        Unknown fields are ignored so that files written by newer versions load.
        ``thinking_switch`` is used when the data has none, or one this version
        does not know (files written before there was a choice, or by a newer
        version): the way of switching is a convenience, not worth losing the
        endpoint over.
        """
        if not isinstance(data, Mapping):
            # TRANSLATORS: follows "Endpoint 1 was skipped because"; "it" is the endpoint.
            raise ValueError(_("it is not a set of named values"))
        for name in ("id", "name", "base_url"):
            if not isinstance(data.get(name), str):
                # TRANSLATORS: {name} is a key of the stored endpoint, like 'base_url'.
                raise ValueError(_("its {name} is missing or not text").format(name=repr(name)))
        protocol = data.get("protocol", "openai")
        if protocol not in PROTOCOLS:
            raise ValueError(
                _("the protocol {protocol} is not supported").format(protocol=repr(protocol))
            )
        for name in ("proxy", "model", "preset"):
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                # TRANSLATORS: {name} is a key of the stored endpoint, like 'proxy'.
                raise ValueError(_("its {name} is not text").format(name=repr(name)))
        key_required = data.get("key_required", True)
        if not isinstance(key_required, bool):
            raise ValueError(_("its 'key_required' is not true or false"))
        raw_prices = data.get("prices")
        try:
            prices = None if raw_prices is None else Prices.from_dict(raw_prices)
        except (TypeError, ValueError) as exc:
            raise ValueError(str(exc)) from None
        return cls(
            id=data["id"],
            name=data["name"],
            base_url=data["base_url"],
            protocol=protocol,
            proxy=data.get("proxy") or None,
            key_required=key_required,
            prices=prices,
            model=data.get("model") or None,
            preset=data.get("preset") or None,
            thinking_switch=_known_switch(data.get("thinking_switch"), thinking_switch),
        )


def _known_switch(value: object, default: ThinkingSwitch) -> ThinkingSwitch:
    return next((switch for switch in THINKING_SWITCHES if switch == value), default)


def new_profile_id(name: str, existing: Collection[str] = ()) -> str:
    """A fresh id for a user-made profile: a slug of ``name`` plus a random part."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32].strip("-") or "endpoint"
    while True:
        candidate = f"{slug}-{os.urandom(4).hex()}"
        if candidate not in existing:
            return candidate
