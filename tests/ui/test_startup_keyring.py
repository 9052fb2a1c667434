"""Started by ``main``, the window paints and idles without the keyring, shows the right
page without a wrong one first, and reads the key (off the GUI thread) once it is wanted:
at the first input, or when something needs it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kimi_desktop.app import AppParts, build
from kimi_desktop.settings import AppPaths, EndpointProfile, SecretStore, SettingsStore
from kimi_desktop.settings.presets import preset_by_id
from kimi_desktop.settings.secrets import KeyringStatus
from kimi_desktop.ui.shell.welcome import KEYRING_NOTE
from tests.fakes import FakeKimiServer
from tests.loop_support import run_until, settle
from tests.ui.app_driver import shut_down

KEY = "sk-startup-keyring-4f2e9a"

Later = list[Callable[[], None]]


@pytest.fixture
def start(qapp, qloop, tmp_path: Path) -> Iterator[Callable[[], tuple[AppParts, Later]]]:
    """``start()``: the app built as ``main`` builds it, its window shown; returns it
    and the work ``main`` would run after the first paint, not run yet."""
    built: list[AppParts] = []

    def make() -> tuple[AppParts, Later]:
        later: Later = []
        parts = build(
            qapp, environ={"KIMI_DESKTOP_HOME": str(tmp_path / "home")}, later=later.append
        )
        parts.window.show()
        built.append(parts)
        # as main() asks once the window is shown
        parts.window.presenter.endpoint_presenter.refresh_models_if_keyed()
        return parts, later

    yield make
    for parts in built:
        shut_down(qloop, parts)


def _seed(
    home: Path, server: FakeKimiServer, key: str | None, *, remembered: bool | None = None
) -> str:
    """An endpoint on the fake server, saved by an earlier run, and its key if any;
    ``remembered``: what that run remembered about the key (``None``: an earlier
    version, which remembered nothing). Returns the endpoint's id."""
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)})
    settings = SettingsStore(paths)
    for stored in settings.profiles:
        settings.remove_profile(stored.id)
    preset = preset_by_id("moonshot-global")
    assert preset is not None
    moved = urlsplit(preset.base_url)._replace(scheme="http", netloc=f"127.0.0.1:{server.port}")
    profile = EndpointProfile(
        **{**preset.to_profile().to_dict(), "base_url": moved.geturl(), "prices": None}
    )
    settings.add_profile(profile)
    if key:
        SecretStore(paths.ensure_config_dir()).set(profile.id, key)
    if remembered is not None:
        settings.set_key_saved(profile.id, remembered)
    return profile.id


def _run(later: Later) -> None:
    for work in later:
        work()


def _first_input(parts: AppParts) -> None:
    """What ``main`` does at the first key press or pointer movement."""
    parts.window.presenter.endpoint_presenter.want_keyring()


def _remembered(home: Path) -> dict[str, bool]:
    state = json.loads((home / "config" / "state.json").read_text(encoding="utf-8"))
    return state.get("keys_saved", {})


def _asked_models(server: FakeKimiServer) -> bool:
    return any(r.path.endswith("/models") for r in server.requests)


def test_a_returning_user_gets_the_chat_and_the_keyring_only_at_the_first_input(
    start, qloop, tmp_path, keyring_readers
) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        _seed(tmp_path / "home", server, KEY, remembered=True)
        keyring_readers.clear()
        parts, later = start()
        window = parts.window
        _run(later)  # the first paint has happened
        settle(qloop)
        assert keyring_readers == []  # idle: nothing asked, however long it stays so
        assert not _asked_models(server)
        assert window.pages.currentWidget() is window.chat_page
        assert window.composer.edit.isEnabled()

        _first_input(parts)
        run_until(qloop, lambda: _asked_models(server))
        models = next(r for r in server.requests if r.path.endswith("/models"))
        assert models.headers["authorization"] == f"Bearer {KEY}"
        assert keyring_readers
        assert threading.main_thread() not in keyring_readers
        assert window.pages.currentWidget() is window.chat_page
        settle(qloop)


def test_a_key_the_keyring_lost_gets_the_welcome_once_the_keyring_says_so(
    start, qloop, tmp_path, keyring_readers
) -> None:
    home = tmp_path / "home"
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        endpoint_id = _seed(home, server, None, remembered=True)
        parts, later = start()
        window = parts.window
        _run(later)
        settle(qloop)
        assert window.pages.currentWidget() is window.chat_page  # the hint, not "no key"
        assert keyring_readers == []

        _first_input(parts)
        run_until(qloop, lambda: window.pages.currentWidget() is window.welcome)
        settle(qloop)
        assert not _asked_models(server)
        assert _remembered(home) == {endpoint_id: False}  # the next start shows the welcome


def test_settings_from_before_the_hint_ask_the_keyring_after_the_paint_and_keep_the_answer(
    start, qloop, tmp_path, keyring_readers
) -> None:
    home = tmp_path / "home"
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        endpoint_id = _seed(home, server, KEY)
        keyring_readers.clear()
        parts, later = start()
        settle(qloop)
        window = parts.window
        assert keyring_readers == []  # nothing asked while the window was built and shown
        assert window.pages.currentWidget() is window.chat_page

        _run(later)  # no first input: the page cannot wait for it
        run_until(qloop, lambda: _asked_models(server))
        assert threading.main_thread() not in keyring_readers
        assert window.pages.currentWidget() is window.chat_page
        settle(qloop)
        assert _remembered(home) == {endpoint_id: True}


def test_a_returning_user_without_a_key_from_before_the_hint_sees_the_welcome_after_the_paint(
    start, qloop, tmp_path, keyring_readers
) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        _seed(tmp_path / "home", server, None)
        parts, later = start()
        settle(qloop)
        window = parts.window
        assert window.pages.currentWidget() is window.chat_page  # the guess, not "no key"
        assert keyring_readers == []

        _run(later)
        run_until(qloop, lambda: window.pages.currentWidget() is window.welcome)
        settle(qloop)
        assert not _asked_models(server)


def test_a_first_run_describes_the_key_storage_at_the_first_input(
    start, qloop, keyring_readers, monkeypatch
) -> None:
    probes: list[threading.Thread] = []

    def status(self: SecretStore) -> KeyringStatus:
        probes.append(threading.current_thread())
        return KeyringStatus(False, "x", "No keyring.")

    monkeypatch.setattr(SecretStore, "status", status)
    parts, later = start()
    _run(later)
    settle(qloop)
    welcome = parts.window.welcome
    assert parts.window.pages.currentWidget() is welcome
    assert welcome.storage_note.text() == KEYRING_NOTE
    assert probes == []
    assert keyring_readers == []

    _first_input(parts)
    run_until(qloop, lambda: welcome.storage_note.text() == "No keyring.")
    assert len(probes) == 1  # asked once, however often the page was decided meanwhile
    assert threading.main_thread() not in probes + keyring_readers
    settle(qloop)


def test_a_refresh_before_any_input_reads_the_key_in_a_worker(
    start, qloop, tmp_path, keyring_readers
) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        _seed(tmp_path / "home", server, KEY, remembered=True)
        keyring_readers.clear()
        parts, later = start()
        _run(later)
        settle(qloop)
        assert keyring_readers == []

        parts.window.presenter.endpoint_presenter.refresh_models()
        run_until(qloop, lambda: _asked_models(server))
        assert keyring_readers
        assert threading.main_thread() not in keyring_readers
        settle(qloop)


def test_what_is_asked_while_held_is_asked_once(start, qloop, keyring_readers, monkeypatch) -> None:
    probes: list[str] = []
    monkeypatch.setattr(
        SecretStore, "status", lambda self: probes.append("probe") or KeyringStatus(False, "x", "")
    )
    parts, later = start()
    presenter = parts.window.presenter.endpoint_presenter
    presenter.show_page()  # as opening and closing chats would, before the paint
    presenter.show_page()
    presenter.refresh_models_if_keyed()
    release = later[0]
    release()
    release()  # a second call does nothing
    settle(qloop)
    assert keyring_readers == []  # a first run: nothing saved, nothing to read yet
    presenter.want_keyring()
    presenter.want_keyring()  # nothing waits any more
    settle(qloop)
    assert len(keyring_readers) == 1  # the key, read once
    assert probes == ["probe"]  # the storage, described once
