"""Base URL checks: the usual mistakes made when pasting one, said in plain words, and the fix.

People paste the full chat URL, ``/v1`` twice or not at all, plain http to a
remote host, or a key inside the URL. :func:`check_base_url` explains each as an
error (it cannot work), a warning (risky) or a hint (probably not what the
provider expects); :func:`suggest_base_url` proposes the corrected address. The
presets' documented addresses are right by definition, even without ``/v1``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Literal

from kimi_desktop.domain import Protocol
from kimi_desktop.i18n import _
from kimi_desktop.settings.presets import PRESETS
from kimi_desktop.settings.urls import is_local_host, split_url

__all__ = ["Severity", "UrlIssue", "check_base_url", "suggest_base_url", "validate_base_url"]

_VERSION_SEGMENT = re.compile(r"^v\d+[a-z0-9]*$", re.IGNORECASE)
# Paths people paste by mistake: the address of one call instead of the prefix.
_CALL_SUFFIXES = ("/chat/completions", "/completions", "/messages", "/models")

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
        return [UrlIssue("error", _("Enter the base URL, for example https://api.moonshot.ai/v1."))]
    if any(char.isspace() for char in text):
        return [UrlIssue("error", _("The URL contains spaces; a web address has none."))]
    if "://" not in text:
        fix = suggest_base_url(text, protocol)
        problem = _(
            "The URL must start with https:// (or http:// for a server on this "
            "computer or your local network)."
        )
        if fix:
            problem += " " + _("Did you mean {url}?").format(url=fix)
        return [UrlIssue("error", problem)]
    parts = split_url(text)
    if parts is None:
        return [UrlIssue("error", _("This is not a valid web address; check the port number."))]
    if parts.scheme not in ("http", "https"):
        return [
            UrlIssue(
                "error",
                _("Only http:// and https:// addresses are supported, not {scheme}://.").format(
                    scheme=parts.scheme
                ),
            )
        ]
    if not parts.hostname:
        return [UrlIssue("error", _("The URL has no server name after the //."))]
    issues: list[UrlIssue] = []
    if parts.username is not None or parts.password is not None:
        issues.append(
            UrlIssue(
                "error",
                _(
                    "Don't put a user name, password or key in the URL; paste the API key "
                    "into the API key field instead."
                ),
            )
        )
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        issues.append(
            UrlIssue(
                "error",
                _(
                    "The base URL must not contain “?” or “#”: the app adds the rest of "
                    "each address itself."
                ),
            )
        )
    if parts.scheme == "http" and not is_local_host(parts.hostname):
        issues.append(
            UrlIssue(
                "warning",
                _(
                    "This address uses plain http, so your API key would travel unencrypted "
                    "to {host}. Use https:// unless you trust every network in between."
                ).format(host=parts.hostname),
            )
        )
    fix = suggest_base_url(text, protocol)
    segments = _segments(parts.path)
    suffix = _call_suffix(segments)
    if suffix:
        issues.append(
            UrlIssue(
                "hint",
                _then_try(
                    _(
                        "This looks like the full address of one API call. The base URL is "
                        "the part before “{suffix}”; the app adds that itself."
                    ).format(suffix=suffix),
                    fix,
                ),
            )
        )
    if _repeated_version(segments):
        issues.append(
            UrlIssue(
                "hint",
                _then_try(_("The URL contains the version part (like “/v1”) twice."), fix),
            )
        )
    elif (repaired := _repair(text, protocol)) is not None and repaired[1]:
        issues.append(
            UrlIssue(
                "hint",
                _then_try(
                    _(
                        "Most OpenAI-compatible servers expect the base URL to end in “/v1”; "
                        "check the provider's documentation."
                    ),
                    fix,
                ),
            )
        )
    return issues


def _then_try(hint: str, fix: str | None) -> str:
    """``hint``, followed by the corrected address when there is one."""
    if not fix:
        return hint
    return hint + " " + _("Try {url} instead.").format(url=fix)


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
    parts = split_url(text)
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
    normalized = url.strip().rstrip("/").lower()
    return any(preset.base_url.lower() == normalized for preset in PRESETS)
