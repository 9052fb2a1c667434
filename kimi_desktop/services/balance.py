"""The account's balance, where a provider reports it, in the words the app shows.

Moonshot answers ``/users/me/balance`` with an amount in the currency of the
platform (CNY on ``.cn``, USD elsewhere); kimi-k2.ai counts requests left in an
``X-Credits-Remaining`` header on every answer. Both the top bar (after a model
refresh) and Settings' connection test ask here, so they say it the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kimi_desktop.api import ApiError
from kimi_desktop.i18n import _
from kimi_desktop.settings.presets import preset_by_id
from kimi_desktop.settings.profiles import EndpointProfile

if TYPE_CHECKING:
    from kimi_desktop.api import KimiClient

__all__ = ["account_balance", "balance_source", "balance_text", "credits_text"]


def balance_source(profile: EndpointProfile) -> tuple[str, str] | None:
    """Where this endpoint's balance can be asked for, and its currency sign.

    The preset's ``balance_url`` is moved onto the profile's own base URL, path
    included, so a preset pointed at a mirror, a proxy under a path or a test
    server asks that server where it serves the API (and the key never goes
    anywhere else). ``None`` for endpoints that report no balance.
    """
    preset = preset_by_id(profile.preset)
    if preset is None or preset.balance_url is None:
        return None
    documented = urlsplit(preset.balance_url)
    sign = "¥" if (documented.hostname or "").endswith(".cn") else "$"
    return _moved_onto(profile.base_url, preset.base_url, preset.balance_url), sign


def _moved_onto(own_base: str, documented_base: str, documented_url: str) -> str:
    """``documented_url`` as it would be under ``own_base`` instead of ``documented_base``.

    Under the documented base (Moonshot's ``/v1/users/me/balance`` beside ``/v1``),
    the part after the base follows the profile's base. Beside it (the balance of
    Moonshot's Anthropic-format base ``/anthropic`` is at ``/v1/...``), whatever
    the profile puts in front of the documented base path goes in front of the
    documented path; a base that does not end in that path keeps the documented
    path on the profile's server.
    """
    own = urlsplit(own_base.strip())
    own_path = own.path.rstrip("/")
    base_path = urlsplit(documented_base).path.rstrip("/")
    target_path = urlsplit(documented_url).path
    if target_path.startswith(base_path + "/"):
        path = own_path + target_path[len(base_path) :]
    elif base_path and own_path.endswith(base_path):
        path = own_path[: -len(base_path)] + target_path
    else:
        path = target_path
    return own._replace(path=path, query="", fragment="").geturl()


def balance_text(amount: float, sign: str) -> str:
    """ "Balance ¥49.58": how the top bar shows a provider's balance."""
    # TRANSLATORS: the account's balance as the top bar shows it; {amount} is like "¥49.58".
    return _("Balance {amount}").format(amount=f"{sign}{amount:,.2f}")


def credits_text(credits: float) -> str:
    """ "4,523 credits left": kimi-k2.ai's balance, counted in requests."""
    # TRANSLATORS: kimi-k2.ai's balance: requests that can still be made, like "4,523".
    return _("{amount} credits left").format(amount=f"{credits:,.0f}")


async def account_balance(profile: EndpointProfile, client: KimiClient) -> str | None:
    """The balance as the provider reports it ("Balance $49.58", "97 credits left").

    ``None`` where the provider reports none, or the answer was unusable: a
    balance is a courtesy, never worth an error message.
    """
    source = balance_source(profile)
    if source is not None:
        url, sign = source
        try:
            amount = await client.balance(url)
        except (ApiError, ValueError):
            amount = None
        if amount is not None:
            return balance_text(amount, sign)
    if client.credits_remaining is not None:
        return credits_text(client.credits_remaining)
    return None
