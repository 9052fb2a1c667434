"""The settings dialog on its own: a real settings store, the endpoint service, fake servers.

Every dialog a test opens is deleted when the test ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
import shiboken6
from keyring.backends import fail

from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings import AppPaths, SecretStore, SettingsStore
from kimi_desktop.ui.settings.dialog import SettingsDialog
from tests.fakes import FakeKimiServer
from tests.ui.settings.driving import KEY


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path / "home")})


@pytest.fixture
def store(paths: AppPaths) -> SettingsStore:
    return SettingsStore(paths)


@pytest.fixture
def service(store: SettingsStore, paths: AppPaths) -> EndpointService:
    return EndpointService(store, SecretStore(paths.ensure_config_dir()))


@pytest.fixture
def open_dialog(qtbot, service) -> Iterator[Callable[[], SettingsDialog]]:
    """``open_dialog()``: a shown settings dialog over :func:`service`."""
    made: list[SettingsDialog] = []

    def make() -> SettingsDialog:
        dialog = SettingsDialog(service)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        # Deleted here, on the GUI thread: left to the garbage collector, a dialog
        # could be destroyed on a fake server's thread, timers and all.
        dialog.close()
        shiboken6.delete(dialog)
    made.clear()
    gc.collect()


@pytest.fixture
def server():
    """A fake Moonshot endpoint that takes :data:`KEY`."""
    with FakeKimiServer("moonshot", api_key=KEY) as fake:
        yield fake


@pytest.fixture
def no_keyring() -> None:
    """No keyring backend at all, as on a desktop without one."""
    keyring.set_keyring(fail.Keyring())
