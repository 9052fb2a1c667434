import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked

from kimi_desktop.settings import (
    AppPaths,
    KeyFileError,
    KeyringUnavailable,
    SecretStore,
)

KEY = "sk-test-0123456789abcdef"
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX notion")

InstallKeyring = Callable[[KeyringBackend], KeyringBackend]


class LockedKeyring(KeyringBackend):
    """Behaves like a Secret Service collection the user did not unlock."""

    priority = -1

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


class BrokenKeyring(KeyringBackend):
    """Fails the way a D-Bus backend does, echoing what it was given."""

    priority = -1

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"could not store {password!r}: D-Bus not running")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")


class EmptyChainer(chainer.ChainerBackend):
    backends = ()


@pytest.fixture
def secrets(paths: AppPaths) -> SecretStore:
    return SecretStore(paths.config_dir)


@pytest.fixture
def no_keyring(install_keyring: InstallKeyring) -> None:
    install_keyring(fail.Keyring())


def _files_under(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


# -- with a keyring ------------------------------------------------------------------


def test_keyring_round_trip(secrets: SecretStore, memory_keyring) -> None:
    assert secrets.get("moonshot-global") is None

    secrets.set("moonshot-global", f"  {KEY}\n")

    assert memory_keyring.entries == {("kimi-desktop", "moonshot-global"): KEY}
    assert secrets.get("moonshot-global") == KEY
    assert secrets.location("moonshot-global") == "keyring"
    secrets.delete("moonshot-global")
    assert secrets.get("moonshot-global") is None
    assert memory_keyring.entries == {}
    secrets.delete("moonshot-global")  # deleting twice is fine


def test_status_with_a_working_keyring(secrets: SecretStore) -> None:
    status = secrets.status()

    assert status.available
    assert status.reason is None
    assert "keyring" in status.message


def test_nothing_is_written_to_disk(secrets: SecretStore, paths: AppPaths) -> None:
    secrets.set("moonshot-global", KEY)

    assert _files_under(paths.config_dir) == []


@pytest.mark.parametrize("bad", ["", "   ", "sk-with space", "sk-\x00null"])
def test_unusable_keys_are_refused_without_echoing_them(secrets: SecretStore, bad: str) -> None:
    with pytest.raises(ValueError, match="API key") as caught:
        secrets.set("moonshot-global", bad)

    assert bad.strip() == "" or bad not in str(caught.value)


def test_the_environment_key_is_never_stored(secrets: SecretStore) -> None:
    with pytest.raises(ValueError, match="environment"):
        secrets.set("env", KEY)


# -- without a usable keyring --------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "reason", "words"),
    [
        (fail.Keyring(), "missing", "No system keyring"),
        (EmptyChainer(), "missing", "No system keyring"),
        (null.Keyring(), "off", "switched off"),
        (LockedKeyring(), "locked", "locked"),
        (BrokenKeyring(), "error", "not working"),
    ],
    ids=["fail", "empty-chainer", "null", "locked", "broken"],
)
def test_unavailable_keyrings_are_explained(
    secrets: SecretStore,
    install_keyring: InstallKeyring,
    paths: AppPaths,
    backend: object,
    reason: str,
    words: str,
) -> None:
    install_keyring(backend)  # type: ignore[arg-type]

    status = secrets.status()
    with pytest.raises(KeyringUnavailable) as caught:
        secrets.set("moonshot-global", KEY)

    assert not status.available
    assert status.reason == reason
    assert words in status.message
    assert caught.value.reason == reason
    assert words in caught.value.message
    assert str(caught.value) == caught.value.message
    assert KEY not in caught.value.message
    assert _files_under(paths.config_dir) == []  # never a silent plaintext fallback


def test_backend_errors_never_echo_the_key(
    secrets: SecretStore, install_keyring: InstallKeyring
) -> None:
    install_keyring(BrokenKeyring())

    with pytest.raises(KeyringUnavailable) as caught:
        secrets.set("moonshot-global", KEY)

    assert KEY not in caught.value.message
    assert "D-Bus not running" in caught.value.message
    assert KEY not in repr(caught.value)


def test_no_keyring_means_no_key_rather_than_an_error(secrets: SecretStore, no_keyring) -> None:
    assert secrets.get("moonshot-global") is None
    secrets.delete("moonshot-global")


def test_a_locked_keyring_is_not_mistaken_for_a_missing_key(
    secrets: SecretStore, install_keyring: InstallKeyring
) -> None:
    install_keyring(LockedKeyring())

    with pytest.raises(KeyringUnavailable, match="locked"):
        secrets.get("moonshot-global")
    with pytest.raises(KeyringUnavailable, match="locked"):
        secrets.delete("moonshot-global")
    secrets.remember_for_session("moonshot-global", KEY)
    assert secrets.get("moonshot-global") == KEY


def test_session_only_keys_stay_in_memory(
    secrets: SecretStore, no_keyring, paths: AppPaths
) -> None:
    secrets.remember_for_session("moonshot-global", KEY)

    assert secrets.get("moonshot-global") == KEY
    assert secrets.location("moonshot-global") == "session"
    assert _files_under(paths.config_dir) == []
    assert SecretStore(paths.config_dir).get("moonshot-global") is None  # the next run
    secrets.delete("moonshot-global")
    assert secrets.get("moonshot-global") is None


def test_the_file_is_refused_without_the_opt_in(
    secrets: SecretStore, no_keyring, paths: AppPaths
) -> None:
    with pytest.raises(KeyFileError, match="Settings"):
        secrets.save_to_file("moonshot-global", KEY)

    assert _files_under(paths.config_dir) == []


@posix_only
def test_the_opt_in_file_is_private(paths: AppPaths, no_keyring) -> None:
    secrets = SecretStore(paths.config_dir, store_keys_in_file=True)

    secrets.save_to_file("moonshot-global", KEY)
    secrets.save_to_file("acedata", "ace-key-123456")

    path = paths.config_dir / "api-keys.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert paths.config_dir.stat().st_mode & 0o077 == 0
    assert json.loads(path.read_text())["keys"] == {
        "moonshot-global": KEY,
        "acedata": "ace-key-123456",
    }
    again = SecretStore(paths.config_dir, store_keys_in_file=True)
    assert again.get("moonshot-global") == KEY
    assert again.location("moonshot-global") == "file"
    assert SecretStore(paths.config_dir).get("moonshot-global") is None  # opt-in off: unread
    assert [p.name for p in paths.config_dir.iterdir()] == ["api-keys.json"]


@posix_only
def test_a_file_others_can_read_is_not_used(paths: AppPaths, no_keyring) -> None:
    secrets = SecretStore(paths.config_dir, store_keys_in_file=True)
    secrets.save_to_file("moonshot-global", KEY)
    os.chmod(secrets.key_file, 0o644)

    with pytest.raises(KeyFileError, match="other users") as caught:
        secrets.get("moonshot-global")

    assert "chmod 600" in caught.value.message
    assert KEY not in caught.value.message


def test_a_damaged_key_file_is_reported(paths: AppPaths, no_keyring) -> None:
    secrets = SecretStore(paths.config_dir, store_keys_in_file=True)
    secrets.save_to_file("moonshot-global", KEY)
    secrets.key_file.write_text("{oops")

    with pytest.raises(KeyFileError, match="damaged"):
        secrets.get("moonshot-global")


def test_storing_in_the_keyring_removes_the_plaintext_copies(
    paths: AppPaths, install_keyring: InstallKeyring, memory_keyring: KeyringBackend
) -> None:
    install_keyring(fail.Keyring())
    secrets = SecretStore(paths.config_dir, store_keys_in_file=True)
    secrets.save_to_file("moonshot-global", KEY)
    secrets.save_to_file("acedata", "ace-key-123456")
    secrets.remember_for_session("moonshot-global", KEY)

    keyring = install_keyring(memory_keyring)
    secrets.set("moonshot-global", KEY)

    assert secrets.location("moonshot-global") == "keyring"
    assert KEY not in secrets.key_file.read_text()
    assert secrets.get("acedata") == "ace-key-123456"
    secrets.delete("acedata")
    assert not secrets.key_file.exists()
    assert keyring.get_password("kimi-desktop", "moonshot-global") == KEY


def test_discard_key_file(paths: AppPaths, no_keyring) -> None:
    secrets = SecretStore(paths.config_dir, store_keys_in_file=True)
    secrets.save_to_file("moonshot-global", KEY)

    secrets.discard_key_file()

    assert not secrets.key_file.exists()
    secrets.discard_key_file()


def test_importing_settings_loads_no_keyring_platformdirs_or_qt() -> None:
    code = (
        "import sys, pathlib, kimi_desktop.settings as s\n"
        "store = s.SecretStore(pathlib.Path('.'))\n"
        "print('keyring' in sys.modules, 'platformdirs' in sys.modules,"
        " any(m.startswith('PySide6') for m in sys.modules))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )

    assert result.stdout.split() == ["False", "False", "False"]


def test_delete_still_clears_the_keyring_when_the_key_file_is_damaged(
    paths: AppPaths, memory_keyring: KeyringBackend
) -> None:
    secrets = SecretStore(paths.config_dir, store_keys_in_file=True)
    secrets.set("moonshot-global", KEY)
    paths.ensure_config_dir()
    secrets.key_file.write_text("{oops")

    with pytest.raises(KeyFileError, match="damaged"):
        secrets.delete("moonshot-global")

    assert memory_keyring.get_password("kimi-desktop", "moonshot-global") is None
