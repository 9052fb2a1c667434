"""The real Secret Service: a key typed in Settings is found by the next app process.

Runs only where an unlocked Secret Service is on the session bus, which
``scripts/test.sh`` arranges (``dbus-run-session`` + ``scripts/with-keyring.sh``
start a throwaway gnome-keyring and set ``KIMI_DESKTOP_TEST_SECRET_SERVICE=1``).
The test key is random per run and is never printed: the app process started
to read it back prints only whether it matched.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import shiboken6

from kimi_desktop.app import AppParts, build
from kimi_desktop.ui.settings.dialog import SettingsDialog
from tests.fakes import FakeKimiServer
from tests.loop_support import run_until, settle

pytestmark = [
    pytest.mark.real_keyring,
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("KIMI_DESKTOP_TEST_SECRET_SERVICE") != "1",
        reason="needs an unlocked Secret Service on the session bus; run it through "
        "scripts/test.sh (dbus-run-session + scripts/with-keyring.sh)",
    ),
]

SERVICE = "kimi-desktop"

# A fresh process, as a second launch of the app: build it over the same home
# and say whether the key it finds for an endpoint is the one given on stdin.
_READ_BACK = textwrap.dedent(
    """
    import asyncio
    import sys
    import keyring
    from PySide6.QtWidgets import QApplication
    from kimi_desktop.ui.runtime.event_loop import AppEventLoop
    from kimi_desktop.app import build

    app = QApplication([])
    asyncio.set_event_loop(AppEventLoop(app))
    parts = build(app)
    expected = sys.stdin.read().strip()
    print("backend=" + type(keyring.get_keyring()).__module__)
    print("match=" + str(parts.endpoints.key(sys.argv[1]) == expected))
    print("location=" + str(parts.endpoints.key_location(sys.argv[1])))
    parts.window.close()
    parts.close()
    """
)


@pytest.fixture
def secret_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The machine's keyring as keyring picks it, checked to be the Secret Service."""
    import keyring
    import keyring.core
    from keyring.backends import SecretService

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)  # choose afresh
    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        pytest.fail(f"keyring chose {type(backend).__name__}, not the Secret Service")
    return backend


def _stored_labels(backend: object, username: str) -> list[str]:
    """The Secret Service items filed under the app's service for this endpoint."""
    collection = backend.get_preferred_collection()  # type: ignore[attr-defined]
    with closing(collection.connection):
        items = collection.search_items({"service": SERVICE, "username": username})
        return [item.get_label() for item in items]


def _read_back(home: Path, endpoint_id: str, key: str) -> dict[str, str]:
    env = {**os.environ, "KIMI_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    for name in ("KIMI_API_KEY", "MOONSHOT_API_KEY", "KIMI_BASE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", _READ_BACK, endpoint_id],
        input=key,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert key not in done.stdout + done.stderr
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


def _open_settings(parts: AppParts) -> SettingsDialog:
    parts.window.settings_requested.emit()
    dialogs = [d for d in parts.window.findChildren(SettingsDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def test_key_saved_in_settings_is_read_by_a_fresh_app_process(
    secret_service, qapp, qloop, qtbot, tmp_path
) -> None:
    key = "sk-ss-" + secrets.token_hex(16)
    home = tmp_path / "home"
    with FakeKimiServer("moonshot", api_key=key) as server:
        parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(home)})
        try:
            dialog = _open_settings(parts)
            dialog.add_menu.actions()[-1].trigger()  # "Custom server…"
            dialog.name_edit.setText("Loopback Kimi")
            dialog.name_edit.textEdited.emit("Loopback Kimi")
            dialog.url_edit.setText(server.base_url)
            dialog.url_edit.textEdited.emit(server.base_url)
            dialog.key_required.setChecked(True)
            assert "system keyring" in dialog.key_note.text()
            qtbot.keyClicks(dialog.key_edit, key)
            endpoint_id = dialog._current_profile().id
            dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

            assert parts.endpoints.key_location(endpoint_id) == "keyring"
            assert len(_stored_labels(secret_service, endpoint_id)) == 1
            # Moonshot AI (global) has no key, so the new endpoint was put to use, and
            # the key from the keyring is the one its requests carry.
            assert parts.endpoints.active_id == endpoint_id
            run_until(qloop, lambda: any(r.path == "/v1/models" for r in server.requests))
            models = next(r for r in server.requests if r.path == "/v1/models")
            assert models.headers["authorization"] == f"Bearer {key}"
            run_until(qloop, lambda: parts.window.top_bar.model_picker.count() == 3)
        finally:
            settle(qloop)
            qloop.run_until_complete(parts.chat.shutdown())
            parts.window.close()
            parts.close()
            shiboken6.delete(parts.window)  # on the GUI thread, not by a late GC

    for path in home.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path

    seen = _read_back(home, endpoint_id, key)
    assert seen["backend"] == "keyring.backends.SecretService"
    assert seen["match"] == "True"
    assert seen["location"] == "keyring"

    # Removing the endpoint in Settings deletes its key from the Secret Service.
    parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(home)})
    try:
        dialog = _open_settings(parts)
        dialog._fill_list(select=endpoint_id)
        dialog.remove_button.click()
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        assert parts.endpoints.active_id == "moonshot-global"  # back to the first one
    finally:
        settle(qloop)
        parts.window.close()
        parts.close()
        shiboken6.delete(parts.window)  # on the GUI thread, not by a late GC
    assert _stored_labels(secret_service, endpoint_id) == []
    assert _read_back(home, endpoint_id, key)["match"] == "False"
