"""The hint remembered in ``state.json``: whether a key was saved for an endpoint, as
``true`` or ``false`` and nothing else, so the next start can choose its page without
loading the keyring."""

from __future__ import annotations

import json

import pytest

from kimi_desktop.settings import AppPaths, SettingsStore
from kimi_desktop.settings.profiles import ENVIRONMENT_ENDPOINT_ID


def _state(paths: AppPaths) -> dict[str, object]:
    return json.loads((paths.config_dir / "state.json").read_text(encoding="utf-8"))


def test_a_first_run_has_no_key_saved_anywhere(paths: AppPaths) -> None:
    settings = SettingsStore(paths)
    assert settings.first_run
    assert settings.key_saved("moonshot-global") is False
    assert settings.key_saved("anything") is False


def test_settings_from_before_the_hint_cannot_tell(paths: AppPaths) -> None:
    SettingsStore(paths)  # an earlier run wrote the endpoints, nothing about keys
    again = SettingsStore(paths)
    assert not again.first_run
    assert again.key_saved("moonshot-global") is None


def test_the_hint_is_kept_between_runs_as_booleans_only(paths: AppPaths) -> None:
    settings = SettingsStore(paths)
    settings.set_key_saved("moonshot-global", True)
    settings.set_key_saved("moonshot-cn", False)
    again = SettingsStore(paths)
    assert again.key_saved("moonshot-global") is True
    assert again.key_saved("moonshot-cn") is False
    assert again.key_saved("kimi-k2-ai") is None
    assert _state(paths)["keys_saved"] == {"moonshot-global": True, "moonshot-cn": False}


def test_the_environment_endpoint_is_never_written(paths: AppPaths) -> None:
    settings = SettingsStore(paths)
    settings.set_key_saved("moonshot-global", True)
    settings.set_key_saved(ENVIRONMENT_ENDPOINT_ID, True)
    assert _state(paths)["keys_saved"] == {"moonshot-global": True}
    assert SettingsStore(paths).key_saved(ENVIRONMENT_ENDPOINT_ID) is None


def test_an_unchanged_hint_writes_nothing(paths: AppPaths, monkeypatch) -> None:
    settings = SettingsStore(paths)
    settings.set_key_saved("moonshot-global", True)
    writes: list[str] = []
    monkeypatch.setattr(settings, "_write", lambda name, data: writes.append(name))
    settings.set_key_saved("moonshot-global", True)
    assert writes == []
    settings.set_key_saved("moonshot-global", False)
    assert writes == ["state.json"]


def test_removing_an_endpoint_forgets_its_hint(paths: AppPaths) -> None:
    settings = SettingsStore(paths)
    settings.set_key_saved("moonshot-cn", True)
    settings.remove_profile("moonshot-cn")
    assert "moonshot-cn" not in _state(paths)["keys_saved"]  # type: ignore[operator]


@pytest.mark.parametrize(
    "stored",
    [None, "yes", ["moonshot-global"], {"moonshot-global": "true", "moonshot-cn": 1}],
)
def test_odd_hints_are_dropped_quietly(paths: AppPaths, stored: object) -> None:
    SettingsStore(paths)
    path = paths.config_dir / "state.json"
    path.write_text(json.dumps({"version": 1, "keys_saved": stored}), encoding="utf-8")
    again = SettingsStore(paths)
    assert again.load_warnings == []
    assert again.key_saved("moonshot-global") is None
    assert again.key_saved("moonshot-cn") is None
