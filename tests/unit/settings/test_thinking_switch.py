"""Each endpoint's thinking switch: presets choose it, endpoints.json keeps it, and
files written before it existed load unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kimi_desktop.domain import THINKING_SWITCHES
from kimi_desktop.settings import (
    PRESETS,
    THINKING_SWITCH_TITLES,
    AppPaths,
    EndpointProfile,
    SettingsStore,
    preset_by_id,
)


def _profile(**changes: object) -> EndpointProfile:
    values: dict[str, object] = {"id": "mine", "name": "Mine", "base_url": "https://x.test/v1"}
    values.update(changes)
    return EndpointProfile(**values)  # type: ignore[arg-type]


def test_presets_switch_the_way_their_servers_take_it() -> None:
    switches = {p.id: p.thinking_switch for p in PRESETS}

    assert switches.pop("local") == "chat_template_kwargs"
    assert set(switches.values()) == {"thinking"}  # Moonshot and the Kimi resellers
    for preset in PRESETS:
        assert preset.to_profile().thinking_switch == preset.thinking_switch


def test_a_new_endpoint_switches_the_moonshot_way() -> None:
    assert _profile().thinking_switch == "thinking"


@pytest.mark.parametrize("switch", THINKING_SWITCHES)
def test_round_trip(switch: str) -> None:
    profile = _profile(thinking_switch=switch)

    assert profile.to_dict()["thinking_switch"] == switch
    assert EndpointProfile.from_dict(profile.to_dict()) == profile


def test_an_unknown_switch_is_refused_when_made_but_not_when_read() -> None:
    with pytest.raises(ValueError, match="thinking switch"):
        _profile(thinking_switch="extra_body")
    data = {**_profile().to_dict(), "thinking_switch": "a-later-version's-way"}

    assert EndpointProfile.from_dict(data).thinking_switch == "thinking"
    fallback = EndpointProfile.from_dict(data, thinking_switch="none")
    assert fallback.thinking_switch == "none"


def test_every_switch_has_a_title() -> None:
    assert list(THINKING_SWITCH_TITLES) == list(THINKING_SWITCHES)
    assert THINKING_SWITCH_TITLES["chat_template_kwargs"] == "vLLM / SGLang (chat_template_kwargs)"


def _old_entry(preset_id: str | None, profile_id: str) -> dict[str, object]:
    """An endpoint as an earlier version wrote it: no thinking_switch."""
    preset = preset_by_id(preset_id)
    return {
        "id": profile_id,
        "name": profile_id.title(),
        "base_url": preset.base_url if preset else "https://my.example/v1",
        "protocol": "openai",
        "proxy": None,
        "key_required": preset.key_required if preset else True,
        "prices": None,
        "model": "kimi-k2.5",
        "preset": preset_id,
    }


def test_an_endpoint_file_from_before_the_switch_loads_unchanged(tmp_path: Path) -> None:
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path / "home")})
    entries = [
        _old_entry("moonshot-global", "moonshot-global"),
        _old_entry("local", "local"),
        _old_entry(None, "custom"),
    ]
    endpoints = paths.config_dir / "endpoints.json"
    endpoints.parent.mkdir(parents=True)
    endpoints.write_text(json.dumps({"version": 1, "endpoints": entries}))

    store = SettingsStore(paths)

    assert store.load_warnings == []
    switches = {p.id: p.thinking_switch for p in store.profiles}
    assert switches == {
        "moonshot-global": "thinking",
        "local": "chat_template_kwargs",  # as its preset switches
        "custom": "thinking",
    }
    for entry, profile in zip(entries, store.profiles, strict=True):
        assert {k: v for k, v in profile.to_dict().items() if k != "thinking_switch"} == entry


def test_a_chosen_switch_is_written_and_read_back(tmp_path: Path) -> None:
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path / "home")})
    store = SettingsStore(paths)
    local = store.profile("local")
    assert local is not None
    store.update_profile(EndpointProfile(**{**local.to_dict(), "thinking_switch": "none"}))

    written = json.loads((paths.config_dir / "endpoints.json").read_text())
    [entry] = [e for e in written["endpoints"] if e["id"] == "local"]
    assert entry["thinking_switch"] == "none"
    assert SettingsStore(paths).profile("local").thinking_switch == "none"  # type: ignore[union-attr]
