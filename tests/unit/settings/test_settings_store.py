import json
import os
from pathlib import Path

import pytest

from kimi_desktop.domain import ModelInfo
from kimi_desktop.settings import (
    PRESETS,
    AppPaths,
    EndpointProfile,
    Preferences,
    SettingsStore,
)
from kimi_desktop.settings import files as files_module


def _write(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))


def _custom(profile_id: str = "custom-1", name: str = "Custom") -> EndpointProfile:
    return EndpointProfile(id=profile_id, name=name, base_url="https://example.com/v1")


def _leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


# -- first run ---------------------------------------------------------------------


def test_first_run_seeds_the_presets_moonshot_global_first(paths: AppPaths) -> None:
    store = SettingsStore(paths)

    assert [p.id for p in store.profiles] == [p.id for p in PRESETS]
    assert store.profiles[0].base_url == "https://api.moonshot.ai/v1"
    assert store.load_warnings == []
    stored = json.loads((paths.config_dir / "endpoints.json").read_text())
    assert [e["id"] for e in stored["endpoints"]] == [p.id for p in PRESETS]
    assert store.preferences == Preferences()
    assert store.default_profile() == store.profiles[0]


def test_an_emptied_endpoint_list_stays_empty(paths: AppPaths) -> None:
    store = SettingsStore(paths)
    for profile in store.profiles:
        store.remove_profile(profile.id)

    assert SettingsStore(paths).profiles == ()


# -- preferences and state are kept apart --------------------------------------------


def test_preferences_and_state_round_trip_in_separate_files(paths: AppPaths) -> None:
    store = SettingsStore(paths)
    store.set_preferences(Preferences(theme="dark", font_size=14))
    store.set_last_endpoint_id("moonshot-cn")
    store.set_window_geometry("AdnQywADAAA=")
    store.set_window_state("AAAA/wAAAAE=")
    models = [ModelInfo(id="kimi-k2.5", context_length=262_144, supports_images=True)]
    store.cache_models("moonshot-cn", models, fetched_at=1_700_000_000.5)

    again = SettingsStore(paths)

    assert again.preferences == Preferences(theme="dark", font_size=14)
    assert again.state.last_endpoint_id == "moonshot-cn"
    assert again.state.window_geometry == "AdnQywADAAA="
    assert again.state.window_state == "AAAA/wAAAAE="
    cached = again.cached_models("moonshot-cn")
    assert cached is not None
    assert cached.models == tuple(models)
    assert cached.fetched_at == 1_700_000_000.5
    assert again.default_profile() == again.profile("moonshot-cn")
    preferences = json.loads((paths.config_dir / "preferences.json").read_text())
    assert set(preferences) == set(Preferences().to_dict())
    state = json.loads((paths.config_dir / "state.json").read_text())
    assert "theme" not in state


def test_odd_state_values_are_dropped_quietly(paths: AppPaths) -> None:
    _write(
        paths.config_dir / "state.json",
        {
            "last_endpoint_id": 5,
            "window_geometry": "not base64!",
            "models": {
                "a": {"fetched_at": "yesterday", "models": []},
                "b": {"fetched_at": 1, "models": [{"id": 3}, {"id": "ok", "context_length": "x"}]},
            },
        },
    )

    store = SettingsStore(paths)

    assert store.state.last_endpoint_id is None
    assert store.state.window_geometry is None
    assert store.cached_models("a") is None
    cached = store.cached_models("b")
    assert cached is not None
    assert cached.models == (ModelInfo(id="ok"),)
    assert store.load_warnings == []


# -- atomic writes -------------------------------------------------------------------


def test_writes_leave_no_temporary_files(paths: AppPaths) -> None:
    store = SettingsStore(paths)
    for size in range(10, 20):
        store.set_preferences(Preferences(font_size=size))
        store.add_profile(_custom(f"custom-{size}"))
        store.set_last_endpoint_id(f"custom-{size}")

    assert _leftovers(paths.config_dir) == []
    assert sorted(p.name for p in paths.config_dir.iterdir()) == [
        "endpoints.json",
        "preferences.json",
        "state.json",
    ]


def test_a_failed_write_keeps_the_old_file(paths: AppPaths, monkeypatch) -> None:
    store = SettingsStore(paths)
    store.set_preferences(Preferences(theme="dark"))
    before = (paths.config_dir / "preferences.json").read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        store.set_preferences(Preferences(theme="light"))

    assert (paths.config_dir / "preferences.json").read_bytes() == before
    assert _leftovers(paths.config_dir) == []


def test_files_are_private(paths: AppPaths) -> None:
    store = SettingsStore(paths)
    store.set_preferences(Preferences())
    store.set_last_endpoint_id("moonshot-global")

    if os.name == "posix":
        for file in paths.config_dir.iterdir():
            assert file.stat().st_mode & 0o777 == 0o600


# -- damaged files -------------------------------------------------------------------


def test_corrupt_preferences_are_moved_aside_and_reported(paths: AppPaths) -> None:
    SettingsStore(paths).add_profile(_custom())
    _write(paths.config_dir / "preferences.json", '{"theme": "dark",')

    store = SettingsStore(paths)

    assert store.preferences == Preferences()
    (warning,) = store.load_warnings
    assert "preferences" in warning
    assert "damaged" in warning
    aside = list(paths.config_dir.glob("preferences.json.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].name in warning
    assert aside[0].read_text() == '{"theme": "dark",'
    assert not (paths.config_dir / "preferences.json").exists()
    assert store.profile("custom-1") is not None  # the endpoint list survived


def test_corrupt_endpoints_are_moved_aside_and_presets_restored(paths: AppPaths) -> None:
    store = SettingsStore(paths)
    store.set_preferences(Preferences(theme="dark"))
    _write(paths.config_dir / "endpoints.json", b"\xff\xfe garbage".decode("latin-1"))

    store = SettingsStore(paths)

    assert [p.id for p in store.profiles] == [p.id for p in PRESETS]
    assert store.preferences.theme == "dark"  # the preferences survived
    (warning,) = store.load_warnings
    assert "endpoint list" in warning
    assert "presets" in warning
    assert len(list(paths.config_dir.glob("endpoints.json.corrupt-*"))) == 1
    assert json.loads((paths.config_dir / "endpoints.json").read_text())["endpoints"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("preferences.json", "[1, 2]"),
        ("endpoints.json", '{"endpoints": "none"}'),
        ("endpoints.json", '"just text"'),
        ("state.json", "null null"),
    ],
)
def test_files_with_the_wrong_layout_count_as_corrupt(
    paths: AppPaths, name: str, content: str
) -> None:
    _write(paths.config_dir / name, content)

    store = SettingsStore(paths)

    assert len(store.load_warnings) == 1
    assert name in store.load_warnings[0]
    assert len(list(paths.config_dir.glob(f"{name}.corrupt-*"))) == 1


def test_a_bare_list_of_endpoints_is_accepted(paths: AppPaths) -> None:
    _write(paths.config_dir / "endpoints.json", [_custom().to_dict()])

    store = SettingsStore(paths)

    assert store.profiles == (_custom(),)
    assert store.load_warnings == []


def test_one_bad_profile_is_skipped_and_the_others_load(paths: AppPaths) -> None:
    entries = [
        _custom("first", "First").to_dict(),
        {**_custom("broken", "Broken").to_dict(), "protocol": "grpc"},
        "not a profile",
        _custom("first", "Same id again").to_dict(),
        {**_custom("env", "Reserved").to_dict()},
        _custom("last", "Last").to_dict(),
    ]
    _write(paths.config_dir / "endpoints.json", {"version": 1, "endpoints": entries})

    store = SettingsStore(paths)

    assert [p.id for p in store.profiles] == ["first", "last"]
    assert len(store.load_warnings) == 4
    assert "“Broken”" in store.load_warnings[0]
    assert "grpc" in store.load_warnings[0]
    assert "Endpoint 3" in store.load_warnings[1]
    assert "already has the id" in store.load_warnings[2]
    assert "reserved" in store.load_warnings[3]
    backups = list(paths.config_dir.glob("endpoints.json.invalid-*"))
    assert len(backups) == 1
    assert json.loads(backups[0].read_text())["endpoints"] == entries


def test_bad_preference_values_are_reported_and_the_rest_kept(paths: AppPaths) -> None:
    _write(
        paths.config_dir / "preferences.json",
        {"theme": "dark", "font_size": "huge", "shiny_new_option": True},
    )

    store = SettingsStore(paths)

    assert store.preferences == Preferences(theme="dark")
    (warning,) = store.load_warnings
    assert "Font size" in warning
    assert not list(paths.config_dir.glob("preferences.json.corrupt-*"))


# -- profile CRUD --------------------------------------------------------------------


def test_profile_crud_and_reorder_are_persisted(paths: AppPaths) -> None:
    store = SettingsStore(paths)
    for profile in store.profiles[2:]:
        store.remove_profile(profile.id)
    assert [p.id for p in store.profiles] == ["moonshot-global", "moonshot-cn"]

    store.add_profile(_custom("mine", "Mine"))
    store.add_profile(_custom("top", "Top"), index=0)
    store.update_profile(_custom("mine", "Mine, renamed"))
    store.remember_model("moonshot-cn", "kimi-k2-thinking")
    copy = store.duplicate_profile("moonshot-global")
    store.move_profile("mine", 1)
    store.move_profile("top", 99)

    expected = ["mine", "moonshot-global", copy.id, "moonshot-cn", "top"]
    assert [p.id for p in store.profiles] == expected
    again = SettingsStore(paths)
    assert again.profiles == store.profiles
    assert again.profile("mine").name == "Mine, renamed"  # type: ignore[union-attr]
    assert again.profile("moonshot-cn").model == "kimi-k2-thinking"  # type: ignore[union-attr]
    duplicate = again.profile(copy.id)
    assert duplicate is not None
    assert duplicate.name == "Moonshot AI (global) (copy)"
    assert duplicate.base_url == "https://api.moonshot.ai/v1"
    assert duplicate.id != "moonshot-global"


def test_profile_mistakes_are_refused(paths: AppPaths) -> None:
    store = SettingsStore(paths)

    with pytest.raises(ValueError, match="already has the id"):
        store.add_profile(_custom("moonshot-global"))
    with pytest.raises(ValueError, match="reserved"):
        store.add_profile(_custom("env"))
    with pytest.raises(KeyError):
        store.update_profile(_custom("missing"))
    with pytest.raises(KeyError):
        store.remove_profile("missing")
    with pytest.raises(KeyError):
        store.move_profile("missing", 0)


def test_removing_a_profile_forgets_its_state(paths: AppPaths) -> None:
    store = SettingsStore(paths)
    store.set_last_endpoint_id("acedata")
    store.cache_models("acedata", [ModelInfo(id="kimi-k2.5")])

    removed = store.remove_profile("acedata")

    assert removed.id == "acedata"
    again = SettingsStore(paths)
    assert again.state.last_endpoint_id is None
    assert again.cached_models("acedata") is None
    assert again.default_profile() == again.profiles[0]
