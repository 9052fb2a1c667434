"""Reading web addresses: is it parseable, is the host on this network, is a proxy usable.

The small rules an endpoint profile enforces when it is made (see
:mod:`.profiles`) and the base URL checks build on (see :mod:`.url_repair`).
Kept apart from both so that profiles need nothing that knows the presets.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from kimi_desktop.i18n import _

__all__ = ["PROXY_SCHEMES", "is_local_host", "proxy_problems", "split_url", "validate_proxy_url"]

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def split_url(url: str) -> SplitResult | None:
    """The parts of ``url``; ``None`` when it cannot be parsed (a bad port, say)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    return parts


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


def validate_proxy_url(url: str) -> list[str]:
    """Problems with a proxy URL in plain words; an empty string means no proxy."""
    return proxy_problems(url) if url.strip() else []


def proxy_problems(url: str) -> list[str]:
    """Like :func:`validate_proxy_url`, but an empty address is a problem too."""
    parts = split_url(url.strip())
    schemes = ", ".join(f"{scheme}://" for scheme in PROXY_SCHEMES)
    if parts is None or "://" not in url or parts.scheme not in PROXY_SCHEMES:
        return [_("A proxy address must start with one of {schemes}").format(schemes=schemes)]
    if not parts.hostname:
        return [_("The proxy address has no server name.")]
    if parts.password is not None:
        return [
            _(
                "A proxy password can't be stored safely in the endpoint settings; "
                "use a proxy that does not need one here."
            )
        ]
    return []
