"""A built-in endpoint nobody renamed is named in the window's language; a typed name stays."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from kimi_desktop import i18n
from kimi_desktop.settings import AppPaths, SettingsStore
from kimi_desktop.settings.presets import named_in_language, preset_by_id, stored_name

GLOBAL_EN = "Moonshot AI (global)"
GLOBAL_ZH = "Moonshot AI（国际）"
LOCAL_ZH = "本地服务器（OpenAI 兼容）"


def _names(store: SettingsStore) -> dict[str, str]:
    return {p.id: p.name for p in store.profiles}


def _stored_names(paths: AppPaths) -> dict[str, str]:
    data = json.loads((paths.config_dir / "endpoints.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry["name"] for entry in data["endpoints"]}


def _write_endpoints(paths: AppPaths, *entries: dict[str, object]) -> None:
    path: Path = paths.config_dir / "endpoints.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "endpoints": list(entries)}), encoding="utf-8")


def _entry(preset_id: str, name: str) -> dict[str, object]:
    preset = preset_by_id(preset_id)
    assert preset is not None
    return {**preset.to_profile().to_dict(), "name": name}


def test_names_written_in_english_read_in_chinese_and_back(paths: AppPaths) -> None:
    first = SettingsStore(paths)  # first start, in English
    assert _names(first)["moonshot-global"] == GLOBAL_EN

    i18n.install("zh_CN")
    chinese = SettingsStore(paths)
    assert _names(chinese)["moonshot-global"] == GLOBAL_ZH
    assert _names(chinese)["local"] == LOCAL_ZH

    i18n.install("en")
    assert _names(SettingsStore(paths))["moonshot-global"] == GLOBAL_EN


def test_a_file_written_in_chinese_by_an_earlier_version_reads_in_english(
    paths: AppPaths,
) -> None:
    _write_endpoints(paths, _entry("moonshot-global", GLOBAL_ZH), _entry("local", LOCAL_ZH))

    store = SettingsStore(paths)

    assert _names(store) == {
        "moonshot-global": GLOBAL_EN,
        "local": "Local server (OpenAI-compatible)",
    }
    assert store.load_warnings == []


def test_an_unrenamed_endpoint_is_stored_under_its_english_name(paths: AppPaths) -> None:
    i18n.install("zh_CN")
    store = SettingsStore(paths)  # first start, in Chinese
    store.remember_model("moonshot-global", "kimi-k2.5")  # any save

    assert _names(store)["moonshot-global"] == GLOBAL_ZH
    assert _stored_names(paths)["moonshot-global"] == GLOBAL_EN


def test_a_renamed_endpoint_keeps_its_name_in_every_language(paths: AppPaths) -> None:
    store = SettingsStore(paths)
    renamed = replace(store.profiles[0], name="My Moonshot")
    store.update_profile(renamed)

    i18n.install("zh_CN")
    assert _names(SettingsStore(paths))["moonshot-global"] == "My Moonshot"
    assert _stored_names(paths)["moonshot-global"] == "My Moonshot"


def test_only_the_endpoints_own_preset_name_follows_the_language(paths: AppPaths) -> None:
    # Named after another preset, or made by hand under a preset's name: typed, so kept.
    other = _entry("moonshot-global", "Moonshot AI (China)")
    custom = {**_entry("moonshot-cn", GLOBAL_ZH), "id": "mine-1", "preset": None}
    _write_endpoints(paths, other, custom)

    assert _names(SettingsStore(paths)) == {
        "moonshot-global": "Moonshot AI (China)",
        "mine-1": GLOBAL_ZH,
    }


def test_the_functions_leave_a_typed_name_alone() -> None:
    preset = preset_by_id("moonshot-global")
    assert preset is not None
    typed = replace(preset.to_profile(), name="Work")
    made = preset.to_profile()

    assert named_in_language(typed) is typed
    assert stored_name(typed) == "Work"
    assert stored_name(replace(made, name=GLOBAL_ZH)) == GLOBAL_EN
    i18n.install("zh_CN")
    assert named_in_language(made).name == GLOBAL_ZH
