"""Settings files no editor writes: treated as damaged and moved aside, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimi_desktop.settings import AppPaths, Preferences, SettingsStore
from kimi_desktop.settings.files import JsonFileError, atomic_write_json, read_json

FILES = ("preferences.json", "endpoints.json", "state.json")

HOSTILE = {
    "nested 100,000 deep (lists)": "[" * 100_000 + "]" * 100_000,
    "nested 100,000 deep (objects)": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "a 5,000-digit number": "9" * 5_000,
    "a 5,000-digit number inside": '{"font_size": ' + "9" * 5_000 + "}",
    "a 4,000-digit number inside": '{"font_size": ' + "9" * 4_000 + "}",
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_read_json_calls_hostile_content_damaged(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(JsonFileError):
        read_json(path)


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_settings_file_is_moved_aside_with_a_warning(
    paths: AppPaths, name: str, content: str
) -> None:
    paths.config_dir.mkdir(parents=True)
    (paths.config_dir / name).write_text(content)

    store = SettingsStore(paths)

    [warning] = store.load_warnings
    assert f"{name} is damaged" in warning
    assert len(warning) < 300  # a sentence, not the file
    assert [p.name.split(".corrupt-")[0] for p in paths.config_dir.glob("*.corrupt-*")] == [name]
    assert store.preferences == Preferences()


def test_a_byte_order_mark_is_no_damage(paths: AppPaths) -> None:
    paths.config_dir.mkdir(parents=True)
    (paths.config_dir / "preferences.json").write_text('\ufeff{"theme": "dark"}', "utf-8")
    store = SettingsStore(paths)
    assert store.load_warnings == []
    assert store.preferences.theme == "dark"


def test_an_impossible_model_list_time_is_dropped_quietly(paths: AppPaths) -> None:
    paths.config_dir.mkdir(parents=True)
    (paths.config_dir / "state.json").write_text(
        '{"models": {"a": {"fetched_at": 1e999, "models": []},'
        ' "b": {"fetched_at": ' + "9" * 99 + ', "models": []}}}'
    )
    store = SettingsStore(paths)
    assert store.load_warnings == []
    assert store.cached_models("a") is None


def test_a_lone_surrogate_survives_a_save(paths: AppPaths) -> None:
    paths.config_dir.mkdir(parents=True)
    (paths.config_dir / "endpoints.json").write_text(
        '{"version": 1, "endpoints": [{"id": "a", "name": "x\\ud800y",'
        ' "base_url": "https://example.com/v1"}]}'
    )
    store = SettingsStore(paths)
    store.update_profile(store.profiles[0])  # raised UnicodeEncodeError, no OSError

    again = SettingsStore(paths)
    assert again.load_warnings == []
    assert again.profiles[0].name == "x\ud800y"


def test_atomic_write_json_writes_utf8_when_it_can(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    atomic_write_json(path, {"name": "Kimi 月之暗面"})
    assert "月之暗面" in path.read_text("utf-8")
