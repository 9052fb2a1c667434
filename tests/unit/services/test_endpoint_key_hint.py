"""EndpointService remembers whether a key is saved for an endpoint each time it saves,
removes or reads one, and answers ``key_expected`` from that hint without the keyring.
The key itself, or anything made from it, never reaches a file."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked

from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings import AppPaths, EndpointProfile, Preferences, SecretStore, SettingsStore
from tests.unit.services.test_endpoint_service import files_holding, make_service

KEY = "sk-key-hint-0c4e7d21a9"
ENDPOINT = "moonshot-global"


def _hints(home: Path) -> dict[str, bool]:
    state = json.loads((home / "config" / "state.json").read_text(encoding="utf-8"))
    return state["keys_saved"]


def _next_start(home: Path) -> EndpointService:
    """The service of the next run, before anything asks the keyring."""
    return make_service(home)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def no_keyring() -> None:
    keyring.set_keyring(fail.Keyring())


def test_a_key_saved_in_the_keyring_is_expected_at_the_next_start(home, keyring_readers) -> None:
    service = make_service(home)
    assert service.key_expected(ENDPOINT) is False  # a first run: nothing saved yet
    assert service.save_key(ENDPOINT, KEY) is None

    again = _next_start(home)
    keyring_readers.clear()
    assert again.key_expected(ENDPOINT) is True
    assert keyring_readers == []  # told without asking the keyring
    assert _hints(home) == {ENDPOINT: True}
    assert files_holding(home, KEY) == []


def test_removing_the_key_in_settings_is_remembered(home) -> None:
    service = make_service(home)
    service.save_key(ENDPOINT, KEY)
    service._keys.remove(ENDPOINT)
    assert _next_start(home).key_expected(ENDPOINT) is False


def test_a_key_kept_for_this_session_only_is_not_expected_next_time(home, no_keyring) -> None:
    service = make_service(home)
    assert service.save_key(ENDPOINT, KEY) is not None
    assert service.key_expected(ENDPOINT) is True  # this run has it
    assert _next_start(home).key_expected(ENDPOINT) is False
    assert files_holding(home, KEY) == []


def test_a_key_in_the_opted_in_file_is_expected_next_time(home, no_keyring) -> None:
    service = make_service(home)
    service._settings.set_preferences(Preferences(store_keys_in_file=True))
    service.save_key(ENDPOINT, KEY)
    assert _next_start(home).key_expected(ENDPOINT) is True


def test_turning_the_file_off_keeps_the_keys_for_this_run_only(home, no_keyring) -> None:
    service = make_service(home)
    service._settings.set_preferences(Preferences(store_keys_in_file=True))
    service.save_key(ENDPOINT, KEY)
    service.stop_storing_keys_in_file()
    assert _next_start(home).key_expected(ENDPOINT) is False


def test_reading_the_key_in_a_worker_remembers_what_it_found(
    home, qloop, memory_keyring, keyring_readers
) -> None:
    SettingsStore(AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)}))  # set up before
    memory_keyring.set_password("kimi-desktop", ENDPOINT, KEY)  # as an earlier version saved it
    service = _next_start(home)
    assert service.key_expected(ENDPOINT) is None  # only the keyring can tell
    qloop.run_until_complete(service.load_key(ENDPOINT))
    assert threading.main_thread() not in keyring_readers
    assert service.key_known(ENDPOINT) is True
    assert _hints(home) == {ENDPOINT: True}

    memory_keyring.delete_password("kimi-desktop", ENDPOINT)  # the keyring lost it
    later = _next_start(home)
    assert later.key_expected(ENDPOINT) is True  # the hint, until the keyring is asked
    qloop.run_until_complete(later.load_key(ENDPOINT))
    assert later.key_expected(ENDPOINT) is False
    assert later.needs_key(ENDPOINT)
    assert _hints(home) == {ENDPOINT: False}


def test_a_locked_keyring_changes_nothing_remembered(
    home, qloop, memory_keyring, monkeypatch
) -> None:
    service = make_service(home)
    service.save_key(ENDPOINT, KEY)

    def locked(service_name: str, username: str) -> str | None:
        raise KeyringLocked("locked")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    again = _next_start(home)
    qloop.run_until_complete(again.load_key(ENDPOINT))
    assert again.key_known(ENDPOINT) is None  # asked again next time
    assert _hints(home) == {ENDPOINT: True}


def test_the_environment_key_is_never_remembered(home, qloop) -> None:
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)})
    settings = SettingsStore(paths)
    profile = EndpointProfile(id="env", name="Environment", base_url="https://h.example/v1")
    service = EndpointService(
        settings, SecretStore(paths.ensure_config_dir()), environment=(profile, KEY)
    )
    assert service.key_expected("env") is True
    qloop.run_until_complete(service.load_key("env"))
    assert files_holding(home, KEY) == []
    assert "env" not in settings.state.keys_saved
