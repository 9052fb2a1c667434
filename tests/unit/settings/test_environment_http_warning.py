"""``KIMI_BASE_URL`` with plain http to a remote host: the warning Settings gives, at startup."""

from __future__ import annotations

import pytest

from kimi_desktop.settings import environment_override
from kimi_desktop.settings.url_repair import check_base_url

KEY = "sk-env-http-5ecret-0123456789"


def settings_warning(url: str) -> list[str]:
    """What the base URL field in Settings warns about for ``url``."""
    return [i.message for i in check_base_url(url) if i.severity == "warning"]


def test_plain_http_to_a_remote_host_gets_the_settings_warning() -> None:
    url = "http://remote-host.example/v1"
    override = environment_override({"KIMI_BASE_URL": url, "KIMI_API_KEY": KEY})

    assert override is not None
    assert override.warnings == settings_warning(url)
    [warning] = override.warnings
    assert "plain http" in warning
    assert "remote-host.example" in warning
    assert KEY not in warning


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v1",
        "http://localhost:11434/v1",
        "http://[::1]:8000/v1",
        "http://192.168.1.20:8000/v1",  # the local network, as Settings allows
        "https://remote-host.example/v1",
    ],
)
def test_https_and_local_addresses_get_no_warning(url: str) -> None:
    override = environment_override({"KIMI_BASE_URL": url, "KIMI_API_KEY": KEY})

    assert override is not None
    assert override.warnings == []


def test_no_key_means_none_to_leak() -> None:
    override = environment_override({"KIMI_BASE_URL": "http://remote-host.example/v1"})

    assert override is not None
    assert override.warnings == []


def test_a_key_alone_goes_to_moonshot_over_https() -> None:
    override = environment_override({"KIMI_API_KEY": KEY})

    assert override is not None
    assert override.warnings == []
