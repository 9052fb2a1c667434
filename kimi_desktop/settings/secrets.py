"""API keys: in the OS keyring, never in a settings file unless the user opts in.

Where a key can live, in the order :meth:`SecretStore.get` looks:

1. this session's memory (:meth:`SecretStore.remember_for_session`), for when
   there is no usable keyring and the user does not want a file;
2. the OS keyring, service ``"kimi-desktop"``, user name = the endpoint id;
3. ``api-keys.json`` in the config directory, only when the user turned on the
   ``store_keys_in_file`` preference. It is created with mode 0600 and is not
   read if others could read it.

Nothing falls back to plaintext silently: :meth:`SecretStore.set` raises
:class:`KeyringUnavailable` with a sentence for the user, and the caller offers
the session or (with the opt-in) the file. Keys never appear in a ``repr``, a
log message or an error message.

``keyring`` is imported inside the methods: importing it (and its backends)
takes a noticeable part of a second, which the window should not wait for.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from kimi_desktop.domain import redact
from kimi_desktop.i18n import N_, _
from kimi_desktop.settings.files import atomic_write_json
from kimi_desktop.settings.presets import match_preset, preset_by_id
from kimi_desktop.settings.profiles import ENVIRONMENT_ENDPOINT_ID, EndpointProfile
from kimi_desktop.settings.url_repair import check_base_url

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "KEY_FILE",
    "SERVICE",
    "EnvironmentOverride",
    "KeyFileError",
    "KeyLocation",
    "KeyringStatus",
    "KeyringUnavailable",
    "SecretStore",
    "SecretStoreError",
    "environment_override",
]

SERVICE = "kimi-desktop"
KEY_FILE = "api-keys.json"
_PROBE_USER = "kimi-desktop-probe"
_FILE_VERSION = 1

KeyLocation = Literal["session", "keyring", "file"]

NO_KEYRING_MESSAGE = N_(
    "No system keyring was found, so API keys cannot be saved securely on this computer. "
    "You can use the key for this session only, or allow storing keys in a file in "
    "Settings. On Linux, installing and unlocking GNOME Keyring or KWallet fixes this."
)
KEYRING_OFF_MESSAGE = N_(
    "The system keyring is switched off for this app (keyring's “null” backend is "
    "configured), so API keys cannot be saved in it."
)
LOCKED_MESSAGE = N_(
    "The system keyring is locked. Unlock it (for example in your password manager) "
    "and try again, or use the key for this session only."
)
_DAMAGED = N_("The key file {path} is damaged. Delete it and enter your keys again.")


class SecretStoreError(Exception):
    """A key could not be stored or read; ``message`` is the sentence to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


UnavailableReason = Literal["missing", "off", "locked", "error"]


class KeyringUnavailable(SecretStoreError):
    """No usable OS keyring; ``reason`` says why.

    ``"missing"``: no backend installed. ``"off"``: the null backend is
    configured. ``"locked"``: the keyring could not be unlocked. ``"error"``:
    the backend failed.
    """

    def __init__(self, message: str, reason: UnavailableReason = "error") -> None:
        super().__init__(message)
        self.reason: UnavailableReason = reason


class KeyFileError(SecretStoreError):
    """The key file is damaged, readable by others, or not allowed by the preferences."""


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    """Whether keys can go to the OS keyring; ``message`` explains it in plain words."""

    available: bool
    backend: str
    message: str
    reason: UnavailableReason | None = None


class EnvironmentOverride(NamedTuple):
    """The endpoint and key given by environment variables, for this run only."""

    profile: EndpointProfile
    api_key: str

    def __repr__(self) -> str:
        return f"EnvironmentOverride(profile={self.profile!r}, api_key=<hidden>)"

    @property
    def warnings(self) -> list[str]:
        """What to tell the user at startup: the warning Settings shows for this base URL.

        That is plain http to a host that is not on this computer or the local
        network, which would send the key unencrypted. Without a key there is
        none to send, so nothing is said.
        """
        if not self.api_key:
            return []
        issues = check_base_url(self.profile.base_url, protocol=self.profile.protocol)
        return [issue.message for issue in issues if issue.severity == "warning"]


class SecretStore:
    """Stores and finds API keys by endpoint id.

    ``store_keys_in_file`` mirrors the preference of the same name; the app
    updates it when the preference changes.
    """

    def __init__(
        self, config_dir: Path, *, store_keys_in_file: bool = False, service: str = SERVICE
    ) -> None:
        self.store_keys_in_file = store_keys_in_file
        self._config_dir = config_dir
        self._service = service
        self._session: dict[str, str] = {}

    def __repr__(self) -> str:
        return (
            f"SecretStore(service={self._service!r}, file_opt_in={self.store_keys_in_file}, "
            f"{len(self._session)} session keys)"
        )

    @property
    def key_file(self) -> Path:
        """Where keys go when the user opted in to a file."""
        return self._config_dir / KEY_FILE

    # -- keyring -----------------------------------------------------------------

    def status(self) -> KeyringStatus:
        """Whether the OS keyring can be used right now.

        Reads one entry that does not exist, so a locked keyring is detected
        (and the system may offer to unlock it).
        """
        try:
            backend = self._backend()
        except KeyringUnavailable as exc:
            return KeyringStatus(False, self._backend_name(), exc.message, exc.reason)
        name = _name_of(backend)
        try:
            backend.get_password(self._service, _PROBE_USER)
        except Exception as exc:  # backends raise their own types (D-Bus, Win32, ...)
            failure = _unavailable(exc)
            return KeyringStatus(False, name, failure.message, failure.reason)
        return KeyringStatus(
            True, name, _("API keys are stored in the system keyring ({name}).").format(name=name)
        )

    def get(self, endpoint_id: str) -> str | None:
        """The key for this endpoint, or ``None`` if none is stored anywhere.

        Raises :class:`KeyringUnavailable` only when the keyring failed (locked,
        broken) and no other place had the key, so "no key" is never claimed
        for a key that merely could not be read; :class:`KeyFileError` when the
        key file is damaged or readable by others.
        """
        found = self._lookup(endpoint_id)
        return None if found is None else found[0]

    def find(self, endpoint_id: str) -> tuple[str, KeyLocation] | None:
        """The key for this endpoint and where it is kept, in one lookup; ``None`` and
        the errors as :meth:`get`."""
        return self._lookup(endpoint_id)

    def location(self, endpoint_id: str) -> KeyLocation | None:
        """Where this endpoint's key is kept, for the settings dialog to say so."""
        found = self._lookup(endpoint_id)
        return None if found is None else found[1]

    def set(self, endpoint_id: str, key: str) -> None:
        """Store the key in the OS keyring.

        Raises :class:`KeyringUnavailable` with a message for the user when
        there is no usable keyring; the key is then stored nowhere. Once in the
        keyring, copies kept in the session or the key file are removed.
        """
        key = _checked_key(key)
        _refuse_environment(endpoint_id)
        backend = self._backend()
        try:
            backend.set_password(self._service, endpoint_id, key)
        except Exception as exc:  # backends raise their own types (D-Bus, Win32, ...)
            raise _unavailable(exc, key) from None
        self._session.pop(endpoint_id, None)
        # A damaged key file cannot hold a usable copy; the key is safe in the keyring.
        with contextlib.suppress(KeyFileError):
            self._remove_from_file(endpoint_id)

    def delete(self, endpoint_id: str) -> None:
        """Forget the key everywhere: session, key file and keyring.

        Every place is tried. Raises :class:`KeyringUnavailable` if a keyring
        exists but refused to delete the entry (for example because it is
        locked), :class:`KeyFileError` if the key file is damaged.
        """
        self._session.pop(endpoint_id, None)
        file_error: KeyFileError | None = None
        try:
            self._remove_from_file(endpoint_id)
        except KeyFileError as exc:
            file_error = exc
        self._delete_from_keyring(endpoint_id)
        if file_error is not None:
            raise file_error

    def _delete_from_keyring(self, endpoint_id: str) -> None:
        try:
            backend = self._backend()
        except KeyringUnavailable as exc:
            if exc.reason in ("missing", "off"):
                return  # nothing can be stored there, so nothing to delete
            raise
        from keyring.errors import PasswordDeleteError

        try:
            backend.delete_password(self._service, endpoint_id)
        except PasswordDeleteError:
            pass  # there was no entry
        except Exception as exc:  # backends raise their own types (D-Bus, Win32, ...)
            raise _unavailable(exc) from None

    # -- without a keyring -------------------------------------------------------

    def remember_for_session(self, endpoint_id: str, key: str) -> None:
        """Keep the key in memory until the app quits; nothing is written."""
        self._session[endpoint_id] = _checked_key(key)

    def save_to_file(self, endpoint_id: str, key: str) -> None:
        """Keep the key in the 0600 key file; only with the ``store_keys_in_file`` opt-in.

        Raises :class:`KeyFileError` when the preference is off.
        """
        key = _checked_key(key)
        _refuse_environment(endpoint_id)
        if not self.store_keys_in_file:
            raise KeyFileError(
                _(
                    "Keys are only saved in a file if you allow it in Settings "
                    "(“Store API keys in a file when no keyring is available”)."
                )
            )
        keys = self._read_file(check_permissions=True)
        keys[endpoint_id] = key
        self._write_file(keys)

    def discard_key_file(self) -> None:
        """Delete the key file and every key in it (when the opt-in is turned off)."""
        self.key_file.unlink(missing_ok=True)

    # -- internals ---------------------------------------------------------------

    def _lookup(self, endpoint_id: str) -> tuple[str, KeyLocation] | None:
        if endpoint_id in self._session:
            return self._session[endpoint_id], "session"
        failure: KeyringUnavailable | None = None
        try:
            key = self._backend().get_password(self._service, endpoint_id)
        except KeyringUnavailable as exc:
            # No keyring at all means no key can be in one; only a failing one is news.
            failure = exc if exc.reason in ("locked", "error") else None
        except Exception as exc:  # backends raise their own types (D-Bus, Win32, ...)
            failure = _unavailable(exc)
        else:
            if key:
                return key, "keyring"
        if self.store_keys_in_file:
            stored = self._read_file(check_permissions=True).get(endpoint_id)
            if stored:
                return stored, "file"
        if failure is not None:
            raise failure
        return None

    def _backend(self) -> KeyringBackend:
        """The keyring backend in use, or :class:`KeyringUnavailable` if it cannot store."""
        import keyring
        from keyring.backends import chainer, fail, null

        try:
            backend = keyring.get_keyring()
        except Exception as exc:  # a broken keyring configuration
            raise _unavailable(exc) from None
        if isinstance(backend, fail.Keyring):
            raise KeyringUnavailable(_(NO_KEYRING_MESSAGE), "missing")
        if isinstance(backend, null.Keyring):
            raise KeyringUnavailable(_(KEYRING_OFF_MESSAGE), "off")
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            raise KeyringUnavailable(_(NO_KEYRING_MESSAGE), "missing")
        return backend

    def _backend_name(self) -> str:
        import keyring

        try:
            return _name_of(keyring.get_keyring())
        except Exception:  # a broken keyring configuration
            return "none"

    def _read_file(self, *, check_permissions: bool) -> dict[str, str]:
        path = self.key_file
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise KeyFileError(
                _("The key file {path} could not be opened ({reason}).").format(
                    path=path, reason=exc.strerror or exc
                )
            ) from None
        with os.fdopen(fd, "rb") as stream:
            if check_permissions:
                _check_private(os.fstat(stream.fileno()), path)
            raw = stream.read()
        try:
            data: Any = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise KeyFileError(_(_DAMAGED).format(path=path)) from None
        keys = data.get("keys") if isinstance(data, Mapping) else None
        if not isinstance(keys, Mapping):
            raise KeyFileError(_(_DAMAGED).format(path=path))
        return {str(k): v for k, v in keys.items() if isinstance(v, str) and v}

    def _write_file(self, keys: Mapping[str, str]) -> None:
        if not keys:
            self.discard_key_file()
            return
        self._config_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_json(self.key_file, {"version": _FILE_VERSION, "keys": dict(keys)}, mode=0o600)

    def _remove_from_file(self, endpoint_id: str) -> None:
        if not self.key_file.exists():
            return
        # No permission check: removing a key from a too-open file only helps.
        keys = self._read_file(check_permissions=False)
        if keys.pop(endpoint_id, None) is not None:
            self._write_file(keys)


def environment_override(environ: Mapping[str, str] = os.environ) -> EnvironmentOverride | None:
    """The "Environment" endpoint from ``KIMI_BASE_URL`` and ``KIMI_API_KEY``, if set.

    ``MOONSHOT_API_KEY`` is used when ``KIMI_API_KEY`` is not set. A key without
    a base URL is for Moonshot AI (global); a base URL without a key is taken as
    a server that needs none. The protocol is Anthropic when the URL's path has
    an ``anthropic`` part, else OpenAI. Nothing here is ever stored.

    Raises :class:`ValueError` when ``KIMI_BASE_URL`` cannot be used.
    """
    base_url = environ.get("KIMI_BASE_URL", "").strip().rstrip("/")
    key = environ.get("KIMI_API_KEY", "").strip() or environ.get("MOONSHOT_API_KEY", "").strip()
    if not base_url and not key:
        return None
    if not base_url:
        moonshot = preset_by_id("moonshot-global")
        assert moonshot is not None
        base_url = moonshot.base_url
    path_parts = base_url.split("://", 1)[-1].lower().split("/")[1:]
    protocol: Literal["openai", "anthropic"] = (
        "anthropic" if "anthropic" in path_parts else "openai"
    )
    errors = [
        i.message for i in check_base_url(base_url, protocol=protocol) if i.severity == "error"
    ]
    if errors:
        raise ValueError(_("KIMI_BASE_URL cannot be used: {problem}").format(problem=errors[0]))
    preset = match_preset(base_url, protocol)
    profile = EndpointProfile(
        id=ENVIRONMENT_ENDPOINT_ID,
        # TRANSLATORS: the name of the endpoint made from the KIMI_* environment variables.
        name=_("Environment"),
        base_url=base_url,
        protocol=protocol,
        key_required=bool(key),
        model=preset.default_model if preset else None,
        preset=preset.id if preset else None,
        thinking_switch=preset.thinking_switch if preset else "thinking",
    )
    return EnvironmentOverride(profile, key)


def _checked_key(key: str) -> str:
    key = key.strip()
    if not key:
        raise ValueError("the API key is empty")
    if any(char.isspace() or not char.isprintable() for char in key):
        # Said without the key itself: the message may be shown or logged.
        raise ValueError("the API key contains spaces or invisible characters")
    return key


def _check_private(info: os.stat_result, path: Path) -> None:
    if os.name != "posix":
        return  # mode bits mean little on Windows; the profile directory is private
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(
            _("The key file {path} is not a regular file, so it is not used.").format(path=path)
        )
    if info.st_uid != os.geteuid():
        raise KeyFileError(
            _("The key file {path} belongs to another user, so it is not used.").format(path=path)
        )
    if info.st_mode & 0o077:
        raise KeyFileError(
            _(
                "The key file {path} can be read by other users, so the keys in it are not "
                "used. Make it private (chmod 600 “{path}”) or delete it and enter your "
                "keys again."
            ).format(path=path)
        )


def _unavailable(exc: BaseException, secret: str = "") -> KeyringUnavailable:
    """The keyring failure ``exc`` as a sentence for the user (``secret`` removed)."""
    from keyring.errors import KeyringLocked, NoKeyringError

    if isinstance(exc, KeyringLocked):
        return KeyringUnavailable(_(LOCKED_MESSAGE), "locked")
    if isinstance(exc, NoKeyringError):
        return KeyringUnavailable(_(NO_KEYRING_MESSAGE), "missing")
    reason = redact(str(exc).strip(), secret) or type(exc).__name__
    if "locked" in reason.lower():
        return KeyringUnavailable(_(LOCKED_MESSAGE), "locked")
    return KeyringUnavailable(
        _(
            "The system keyring is not working ({reason}). "
            "You can use the key for this session only."
        ).format(reason=reason)
    )


def _refuse_environment(endpoint_id: str) -> None:
    if endpoint_id == ENVIRONMENT_ENDPOINT_ID:
        raise ValueError(
            "the key of the environment endpoint comes from the environment and is never stored"
        )


def _name_of(backend: object) -> str:
    name = getattr(backend, "name", None)
    return name if isinstance(name, str) else type(backend).__name__
