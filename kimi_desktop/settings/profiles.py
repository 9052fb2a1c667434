"""Endpoint profiles: a provider URL, its request format and what the user chose for it.

A profile is what the endpoint list in Settings shows and what ``endpoints.json``
stores. It never holds the API key: keys live in the keyring under the profile's
``id`` (see :mod:`.secrets`), which therefore never changes once created.

The URL helpers explain, in plain words, the usual mistakes made when pasting a
base URL (the full chat URL, ``/v1`` twice or missing, plain http to a remote
host) and propose the fix.
"""

from __future__ import annotations

import ipaddress
import itertools
import math
import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import SplitResult, urlsplit

from kimi_desktop.domain import Endpoint, Protocol, Usage

__all__ = [
    "ENVIRONMENT_ENDPOINT_ID",
    "EndpointProfile",
    "Prices",
    "UrlIssue",
    "check_base_url",
    "is_local_host",
    "new_profile_id",
    "parse_prices",
    "suggest_base_url",
    "validate_base_url",
    "validate_proxy_url",
]

ENVIRONMENT_ENDPOINT_ID = "env"
"""Reserved id of the endpoint built from environment variables; never stored."""

PROTOCOLS: tuple[Protocol, ...] = ("openai", "anthropic")
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_VERSION_SEGMENT = re.compile(r"^v\d+[a-z0-9]*$", re.IGNORECASE)
# Paths people paste by mistake: the address of one call instead of the prefix.
_CALL_SUFFIXES = ("/chat/completions", "/completions", "/messages", "/models")


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
                raise ValueError(f"a price must be a number of zero or more, not {value!r}")
        if not (len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()):
            raise ValueError(f"the currency must be a code like USD, not {self.currency!r}")

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
            raise ValueError("the prices are not a set of named numbers")
        try:
            currency = data.get("currency", "USD")
            if not isinstance(currency, str):
                raise ValueError(f"the currency must be a code like USD, not {currency!r}")
            return cls(
                input_per_mtok=data["input_per_mtok"],
                cached_input_per_mtok=data["cached_input_per_mtok"],
                output_per_mtok=data["output_per_mtok"],
                currency=currency,
            )
        except KeyError as exc:
            raise ValueError(f"the prices lack {exc.args[0]!r}") from None


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
        raise ValueError("Enter both the input and the output price, or leave all prices empty.")
    values = [_price(text) for text in texts if text]
    if len(values) == 2:
        values.insert(1, values[0])
    code = currency.strip().upper()
    if not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise ValueError("The currency must be a three-letter code, like USD or CNY.")
    return Prices(values[0], values[1], values[2], code)


def _price(text: str) -> float:
    try:
        value = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        raise ValueError(f"“{text}” is not a price; type a number such as 0.60.") from None
    if not math.isfinite(value):
        raise ValueError(f"“{text}” is not a price; type a number such as 0.60.")
    if value < 0:
        raise ValueError("A price cannot be negative.")
    return value


@dataclass(frozen=True, slots=True)
class EndpointProfile:
    """A provider endpoint as the user configured it.

    ``id`` is stable for the profile's whole life (the keyring entry is filed
    under it); ``name`` is what the user sees and may change. ``key_required``
    is False for local servers that accept requests without a key. ``prices``
    overrides the known list prices for cost estimates. ``model`` is the model
    last used here; ``preset`` the id of the preset it was made from, if any.
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

    def __post_init__(self) -> None:
        if not _ID_PATTERN.match(self.id):
            raise ValueError(
                f"endpoint id {self.id!r} must be lower-case letters, digits, '.', '_' or '-'"
            )
        if not self.name.strip():
            raise ValueError("the endpoint needs a name")
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"unknown protocol {self.protocol!r}; use 'openai' or 'anthropic'")
        parts = _split(self.base_url)
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{self.base_url!r} is not an http:// or https:// address")
        if parts.password is not None:
            raise ValueError("the base URL must not contain a password")
        if self.proxy is not None:
            problems = _proxy_errors(self.proxy)
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
        }

    @classmethod
    def from_dict(cls, data: object) -> EndpointProfile:
        """A profile from stored data; ``ValueError`` saying what is wrong.

        Unknown fields are ignored so that files written by newer versions load.
        """
        if not isinstance(data, Mapping):
            raise ValueError("it is not a set of named values")
        for name in ("id", "name", "base_url"):
            if not isinstance(data.get(name), str):
                raise ValueError(f"its {name!r} is missing or not text")
        protocol = data.get("protocol", "openai")
        if protocol not in PROTOCOLS:
            raise ValueError(f"the protocol {protocol!r} is not supported")
        for name in ("proxy", "model", "preset"):
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"its {name!r} is not text")
        key_required = data.get("key_required", True)
        if not isinstance(key_required, bool):
            raise ValueError("its 'key_required' is not true or false")
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
        )


def new_profile_id(name: str, existing: Collection[str] = ()) -> str:
    """A fresh id for a user-made profile: a slug of ``name`` plus a random part."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32].strip("-") or "endpoint"
    while True:
        candidate = f"{slug}-{uuid.uuid4().hex[:8]}"
        if candidate not in existing:
            return candidate


# -- URL checks --------------------------------------------------------------------

Severity = Literal["error", "warning", "hint"]


@dataclass(frozen=True, slots=True)
class UrlIssue:
    """One finding about a base URL.

    ``error``: it cannot work. ``warning``: it works but is risky. ``hint``: it
    probably is not what the provider expects; requests will likely fail.
    """

    severity: Severity
    message: str


def validate_base_url(url: str, *, protocol: Protocol = "openai") -> list[str]:
    """Problems and warnings about ``url`` in plain words; empty when it looks right."""
    return [issue.message for issue in check_base_url(url, protocol=protocol)]


def check_base_url(url: str, *, protocol: Protocol = "openai") -> list[UrlIssue]:
    """Like :func:`validate_base_url`, with the severity of each finding."""
    text = url.strip()
    if not text:
        return [UrlIssue("error", "Enter the base URL, for example https://api.moonshot.ai/v1.")]
    if any(char.isspace() for char in text):
        return [UrlIssue("error", "The URL contains spaces; a web address has none.")]
    if "://" not in text:
        fix = suggest_base_url(text, protocol)
        return [
            UrlIssue(
                "error",
                "The URL must start with https:// (or http:// for a server on this "
                "computer or your local network)." + (f" Did you mean {fix}?" if fix else ""),
            )
        ]
    parts = _split(text)
    if parts is None:
        return [UrlIssue("error", "This is not a valid web address; check the port number.")]
    if parts.scheme not in ("http", "https"):
        return [
            UrlIssue(
                "error",
                f"Only http:// and https:// addresses are supported, not {parts.scheme}://.",
            )
        ]
    if not parts.hostname:
        return [UrlIssue("error", "The URL has no server name after the //.")]
    issues: list[UrlIssue] = []
    if parts.username is not None or parts.password is not None:
        issues.append(
            UrlIssue(
                "error",
                "Don't put a user name, password or key in the URL; paste the API key "
                "into the API key field instead.",
            )
        )
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        issues.append(
            UrlIssue(
                "error",
                "The base URL must not contain “?” or “#”: the app adds the rest of "
                "each address itself.",
            )
        )
    if parts.scheme == "http" and not is_local_host(parts.hostname):
        issues.append(
            UrlIssue(
                "warning",
                f"This address uses plain http, so your API key would travel unencrypted "
                f"to {parts.hostname}. Use https:// unless you trust every network in between.",
            )
        )
    fix = suggest_base_url(text, protocol)
    then = f" Try {fix} instead." if fix else ""
    segments = _segments(parts.path)
    suffix = _call_suffix(segments)
    if suffix:
        issues.append(
            UrlIssue(
                "hint",
                f"This looks like the full address of one API call. The base URL is the "
                f"part before “{suffix}”; the app adds that itself.{then}",
            )
        )
    if _repeated_version(segments):
        issues.append(
            UrlIssue("hint", f"The URL contains the version part (like “/v1”) twice.{then}")
        )
    elif (repaired := _repair(text, protocol)) is not None and repaired[1]:
        issues.append(
            UrlIssue(
                "hint",
                "Most OpenAI-compatible servers expect the base URL to end in “/v1”; "
                f"check the provider's documentation.{then}",
            )
        )
    return issues


def suggest_base_url(url: str, protocol: Protocol = "openai") -> str | None:
    """The corrected base URL for the mistakes :func:`check_base_url` hints at.

    ``None`` when there is nothing to correct or the URL is beyond repair.
    """
    repaired = _repair(url, protocol)
    if repaired is None:
        return None
    candidate = repaired[0] + ("/v1" if repaired[1] else "")
    return None if candidate == url else candidate


def _repair(url: str, protocol: Protocol) -> tuple[str, bool] | None:
    """``url`` without the usual paste mistakes, and whether it still lacks ``/v1``."""
    text = url.strip()
    if not text or any(char.isspace() for char in text):
        return None
    if "://" not in text:
        host = text.split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
        text = f"{'http' if is_local_host(host) else 'https'}://{text}"
    parts = _split(text)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    netloc = parts.netloc.rsplit("@", 1)[-1]
    segments = _segments(parts.path)
    while (suffix := _call_suffix(segments)) is not None:
        segments = segments[: len(segments) - suffix.count("/")]
    deduplicated: list[str] = []
    for segment in segments:
        if not (deduplicated and _is_version(segment) and deduplicated[-1] == segment):
            deduplicated.append(segment)
    candidate = f"{parts.scheme}://{netloc}" + "".join(f"/{s}" for s in deduplicated)
    lacks_version = (
        protocol == "openai" and not _has_version(deduplicated) and not _is_preset_url(candidate)
    )
    return candidate, lacks_version


def validate_proxy_url(url: str) -> list[str]:
    """Problems with a proxy URL in plain words; an empty string means no proxy."""
    return _proxy_errors(url) if url.strip() else []


def is_local_host(host: str) -> bool:
    """True for this computer and private-network addresses (plain http is fine there)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _proxy_errors(url: str) -> list[str]:
    parts = _split(url.strip())
    schemes = ", ".join(f"{scheme}://" for scheme in PROXY_SCHEMES)
    if parts is None or "://" not in url or parts.scheme not in PROXY_SCHEMES:
        return [f"A proxy address must start with one of {schemes}"]
    if not parts.hostname:
        return ["The proxy address has no server name."]
    if parts.password is not None:
        return [
            "A proxy password can't be stored safely in the endpoint settings; "
            "use a proxy that does not need one here."
        ]
    return []


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    return parts


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def _call_suffix(segments: list[str]) -> str | None:
    joined = "/" + "/".join(segments).lower()
    for suffix in _CALL_SUFFIXES:
        if joined.endswith(suffix):
            return suffix
    return None


def _is_version(segment: str) -> bool:
    return bool(_VERSION_SEGMENT.match(segment))


def _has_version(segments: list[str]) -> bool:
    return any(_is_version(segment) for segment in segments)


def _repeated_version(segments: list[str]) -> bool:
    return any(
        _is_version(first) and first.lower() == second.lower()
        for first, second in itertools.pairwise(segments)
    )


def _is_preset_url(url: str) -> bool:
    # Imported here: presets build profiles, so they import this module.
    from kimi_desktop.settings.presets import PRESETS

    normalized = url.strip().rstrip("/").lower()
    return any(preset.base_url.lower() == normalized for preset in PRESETS)
