"""Fixtures for the settings tests: a private home folder and an in-memory keyring.

Every test here runs with :class:`MemoryKeyring` installed, so nothing can reach
the real keyring of the machine running the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend

from kimi_desktop.settings import AppPaths
from tests.fakes.keyring import MemoryKeyring

InstallKeyring = Callable[[KeyringBackend], KeyringBackend]


@pytest.fixture
def install_keyring(monkeypatch: pytest.MonkeyPatch) -> InstallKeyring:
    """Installs a keyring backend for one test; the previous one comes back after it."""
    # Recorded through monkeypatch rather than keyring.get_keyring(), which would
    # probe the machine's real backends just to learn what to restore.
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    return install


@pytest.fixture(autouse=True)
def memory_keyring(install_keyring: InstallKeyring) -> MemoryKeyring:
    """The in-memory keyring every test in this folder starts with."""
    backend = MemoryKeyring()
    install_keyring(backend)
    return backend


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty KIMI_DESKTOP_HOME."""
    return tmp_path / "home"


@pytest.fixture
def paths(home: Path) -> AppPaths:
    """App paths inside :func:`home`, as KIMI_DESKTOP_HOME would give them."""
    return AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)})
