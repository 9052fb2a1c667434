"""Keys must not show up in any repr, str or message, whatever holds them."""

import logging

import pytest
from keyring.backends import fail

from kimi_desktop.settings import (
    AppPaths,
    KeyringUnavailable,
    SecretStore,
    SettingsStore,
    environment_override,
)

KEY = "sk-leak-check-Q7w8e9r0t1y2u3i4"


def test_no_repr_shows_a_key(paths: AppPaths, install_keyring, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = SecretStore(paths.config_dir, store_keys_in_file=True)
    secrets.set("moonshot-global", KEY)
    secrets.remember_for_session("acedata", KEY)
    override = environment_override({"KIMI_API_KEY": KEY})
    assert override is not None
    store = SettingsStore(paths)
    install_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailable) as caught:
        secrets.set("villamarket", KEY)
    secrets.save_to_file("villamarket", KEY)

    shown = [
        repr(secrets),
        str(secrets),
        repr(override),
        str(override),
        f"{override}",
        repr([override]),
        repr(override.profile),
        repr(store),
        repr(store.profiles),
        repr(store.state),
        repr(caught.value),
        str(caught.value),
        repr(secrets.status()),
        caplog.text,
    ]

    for text in shown:
        assert KEY not in text
    assert "hidden" in repr(override)
    _, key = override  # still usable as a pair
    assert key == KEY
