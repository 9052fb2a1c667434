"""EndpointService.apply: what OK in Settings asks for, written by the one writer.

The endpoint list, the preferences and the keys are saved in that order; what
could not be done comes back as sentences (never holding a key), and an
endpoint list that cannot be written stops everything after it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.settings_edits import EndpointsNotSaved, SettingsEdits
from kimi_desktop.settings import (
    AppPaths,
    EndpointProfile,
    Preferences,
    SecretStore,
    SettingsStore,
)

KEY = "sk-endpoint-edits-2b4d6f8a0c"
CUSTOM = EndpointProfile(id="loopback", name="Loopback", base_url="http://127.0.0.1:9/v1")


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path / "home")})


@pytest.fixture
def settings(paths: AppPaths) -> SettingsStore:
    return SettingsStore(paths)  # first run: the presets, no keys


@pytest.fixture
def service(settings: SettingsStore, paths: AppPaths) -> EndpointService:
    return EndpointService(settings, SecretStore(paths.ensure_config_dir()))


def edits_of(service: EndpointService, **changes: object) -> SettingsEdits:
    """The edits of an OK that changed nothing, with ``changes``."""
    unchanged = SettingsEdits(profiles=service.stored_profiles(), preferences=service.preferences)
    return replace(unchanged, **changes)  # type: ignore[arg-type]


def files_holding(home: Path, secret: str) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_the_list_the_keys_and_the_preferences_are_written(
    service, paths, memory_keyring, qtbot
) -> None:
    service.save_key("acedata", KEY)
    kept = [p for p in service.stored_profiles() if p.id != "acedata"]
    renamed = replace(kept[1], name="Moonshot (China)")
    profiles = (renamed, CUSTOM, kept[0], *kept[2:])
    preferences = Preferences(font_size=15)

    with qtbot.wait_signal(service.endpoints_changed):
        notes = service.apply(
            edits_of(service, profiles=profiles, preferences=preferences, keys={"loopback": KEY})
        )

    assert notes == []
    again = SettingsStore(paths)  # read back from disk
    assert again.profiles == profiles
    assert again.preferences == preferences
    assert service.key("loopback") == KEY
    assert service.key("acedata") is None  # the removed endpoint took its key along
    assert set(memory_keyring.entries) == {("kimi-desktop", "loopback")}
    assert files_holding(paths.config_dir.parent, KEY) == []


def test_a_key_the_keyring_refuses_comes_back_as_a_sentence(
    service, paths, memory_keyring, monkeypatch
) -> None:
    def refuse(service_name: str, username: str, password: str) -> None:
        raise RuntimeError("the keyring said no")

    monkeypatch.setattr(memory_keyring, "set_password", refuse)

    notes = service.apply(edits_of(service, keys={"villamarket": KEY}))

    (note,) = notes
    assert note.startswith("Kimi VillaMarket: The system keyring is not working")
    assert "kept for this session only and nothing was written to disk" in note
    assert KEY not in note
    assert service.key("villamarket") == KEY  # usable until quit
    assert files_holding(paths.config_dir.parent, KEY) == []


def test_a_key_with_spaces_is_refused_in_words(service) -> None:
    notes = service.apply(edits_of(service, keys={"villamarket": "sk-abc def"}))

    assert notes == [
        "Kimi VillaMarket: The key was not saved because the API key contains spaces "
        "or invisible characters."
    ]
    assert service.key("villamarket") is None


def test_a_removed_key_the_keyring_keeps_is_said(service, memory_keyring, monkeypatch) -> None:
    service.save_key("villamarket", KEY)

    def refuse(service_name: str, username: str) -> None:
        raise RuntimeError("the keyring said no")

    monkeypatch.setattr(memory_keyring, "delete_password", refuse)

    notes = service.apply(edits_of(service, removed_keys=frozenset({"villamarket"})))

    assert notes == ["Kimi VillaMarket: The key could not be removed from the system keyring."]


def test_a_typed_key_wins_over_a_removal(service) -> None:
    service.save_key("villamarket", KEY)

    notes = service.apply(
        edits_of(
            service,
            keys={"villamarket": "sk-replacement-1234567890"},
            removed_keys=frozenset({"villamarket"}),
        )
    )

    assert notes == []
    assert service.key("villamarket") == "sk-replacement-1234567890"


def test_preferences_that_cannot_be_written_apply_until_quit(
    service, settings, monkeypatch
) -> None:
    def full_disk(preferences: Preferences) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(settings, "set_preferences", full_disk)

    notes = service.apply(edits_of(service, preferences=Preferences(font_size=15)))

    assert notes == [
        "The preferences could not be saved (No space left on device); they apply until quit."
    ]


def test_an_endpoint_list_that_cannot_be_written_stops_everything(
    service, settings, monkeypatch
) -> None:
    def full_disk(profile: EndpointProfile, index: int | None = None) -> EndpointProfile:
        raise OSError("No space left on device")

    monkeypatch.setattr(settings, "add_profile", full_disk)
    edits = edits_of(
        service,
        profiles=(*service.stored_profiles(), CUSTOM),
        preferences=Preferences(font_size=15),
        keys={"villamarket": KEY},
    )

    with pytest.raises(EndpointsNotSaved) as raised:
        service.apply(edits)

    assert raised.value.sentence == "The endpoints could not be saved: No space left on device"
    assert settings.preferences == Preferences()
    assert service.key("villamarket") is None


def test_the_endpoint_shown_is_put_to_use_only_when_the_active_one_cannot_work(
    service,
) -> None:
    assert service.active_id == "moonshot-global"  # first run: no key
    service.apply(edits_of(service, selected_id="local"))  # usable, but untouched
    assert service.active_id == "moonshot-global"

    service.apply(edits_of(service, keys={"villamarket": KEY}, selected_id="villamarket"))
    assert service.active_id == "villamarket"

    service.apply(edits_of(service, keys={"acedata": KEY}, selected_id="acedata"))
    assert service.active_id == "villamarket"  # the active one works: no switch


def test_edits_never_show_a_key(service) -> None:
    edits = edits_of(service, keys={"villamarket": KEY})

    assert KEY not in repr(edits)
    assert KEY not in str(edits)


def test_a_connection_check_uses_the_services_transport(settings, paths, qloop) -> None:
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json={"object": "list", "data": [{"id": "kimi-k2.5"}]})

    service = EndpointService(
        settings,
        SecretStore(paths.ensure_config_dir()),
        transport_factory=lambda profile: httpx.MockTransport(answer),
    )

    report = qloop.run_until_complete(service.check_connection(CUSTOM, KEY))

    assert report.ok, report.text
    assert report.text.endswith("Key accepted. 1 model available.")
    assert [str(r.url) for r in asked] == ["http://127.0.0.1:9/v1/models"]
    assert asked[0].headers["authorization"] == f"Bearer {KEY}"
