"""Where each endpoint's API key is kept, and what to tell the user when it cannot go there.

Keys come from the environment (never persisted), the keys typed this run, or
the OS keyring — looked up lazily and remembered, because the keyring can take a
while (loading its backends costs about half a second of CPU and over 10 MB; a
locked one asks the user to unlock it), and the window must not wait for it.
Without a usable keyring a key is kept for the session only, or in the 0600 key
file when the user opted in; either way the user is told in a sentence, which
never contains the key.

Whether a key was saved for an endpoint (``true`` or ``false``, never the key)
is remembered in the settings' state (:meth:`SettingsStore.key_saved`) each time
the keeper saves, removes or reads one, so the next start can show the chat or
the welcome page without loading the keyring (:meth:`EndpointService.key_expected`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import suppress
from typing import Literal

from kimi_desktop.i18n import N_, _
from kimi_desktop.settings.secrets import (
    KeyFileError,
    KeyLocation,
    KeyringStatus,
    KeyringUnavailable,
    SecretStore,
)
from kimi_desktop.settings.store import SettingsStore

__all__ = ["KeyKeeper", "first_sentence"]

_log = logging.getLogger(__name__)

#: Where a key outlives the app: what the remembered hint counts as saved.
_LASTING: frozenset[KeyLocation | None] = frozenset({"keyring", "file"})

# Why a key is still there after removing it, by where it is kept; _() where shown.
_NOT_REMOVED = {
    "keyring": N_("The key could not be removed from the system keyring."),
    "file": N_("The key could not be removed from the key file."),
    "session": N_("The key could not be removed from this session's memory."),
}


def first_sentence(text: str) -> str:
    """The first sentence of a message, to follow it with advice of our own.

    The keyring's sentences end with advice that suits a prompt; where the app
    says what to do next itself, only the statement of the problem is kept.
    Sentences end in ". " or, in Chinese, "。".
    """
    ends = [index for index in (text.find(". "), text.find("。")) if index != -1]
    return text[: min(ends) + 1] if ends else text


class KeyKeeper:
    """The keys of every endpoint, read once from the secret store and remembered.

    ``environment`` is the environment endpoint's id and key, which only live
    in memory. The file opt-in is read from the preferences whenever a key has
    nowhere else to go, so it does not matter whether a just-saved preference or
    a just-typed key reaches the keeper first.
    """

    def __init__(
        self,
        secrets: SecretStore,
        settings: SettingsStore,
        environment: tuple[str, str] | None = None,
    ) -> None:
        self._secrets = secrets
        self._settings = settings
        self._env = environment
        # Keys as last read from the secret store; forgotten whenever keys change.
        self._keys: dict[str, str | None] = {}
        # Where each key read was kept (None: nowhere), for the remembered hint.
        self._kept: dict[str, KeyLocation | None] = {}

    def key(self, endpoint_id: str) -> str | None:
        """The key for an endpoint, from the environment, this run, or the keyring.

        Safe in a worker thread: it writes no file (see :meth:`note_lookup`).
        """
        if self._env is not None and endpoint_id == self._env[0]:
            return self._env[1]
        if endpoint_id in self._keys:
            return self._keys[endpoint_id]
        try:
            found = self._secrets.find(endpoint_id)
        except KeyringUnavailable:
            return None  # not remembered: the next request asks again
        key, kept = found if found is not None else (None, None)
        self._kept[endpoint_id] = kept
        self._keys[endpoint_id] = key
        return key

    def note_lookup(self, endpoint_id: str) -> None:
        """Remember for the next start whether the key just read is saved (on the
        thread that owns the settings, after :meth:`key` ran in a worker)."""
        if endpoint_id in self._kept:
            self._remember_saved(endpoint_id, self._kept[endpoint_id] in _LASTING)

    def _remember_saved(self, endpoint_id: str, saved: bool) -> None:
        """(The environment endpoint's is never written: ``set_key_saved`` skips it.)"""
        try:
            self._settings.set_key_saved(endpoint_id, saved)
        except OSError as exc:  # only a hint for the next start: the key itself is safe
            _log.warning("could not remember whether a key is saved: %s", exc)

    def has_key(self, endpoint_id: str) -> bool | None:
        """Whether a key is known without touching the keyring; ``None``: only it can tell."""
        if self._env is not None and endpoint_id == self._env[0]:
            return bool(self._env[1])
        if endpoint_id in self._keys:
            return bool(self._keys[endpoint_id])
        return None

    def clear(self) -> None:
        """Forget what was read, so the next lookup asks the secret store again."""
        self._keys.clear()
        self._kept.clear()

    def save(self, endpoint_id: str, key: str) -> str | None:
        """Store a key in the keyring; without one, in the opted-in file or this run only.

        Returns a sentence to show when the key did not go to the keyring
        (where it went instead, or why it was not taken); ``None`` when it did.
        """
        self.clear()
        kept: KeyLocation = "keyring"
        note: str | None = None
        try:
            self._secrets.set(endpoint_id, key)
        except ValueError as exc:  # empty, or spaces inside: said without the key
            return _("The key was not saved because {reason}.").format(reason=exc)
        except KeyringUnavailable as exc:
            kept, note = self._store_without_keyring(endpoint_id, key, exc)
        # Known from now on without asking the keyring again.
        self._keys[endpoint_id] = key.strip()
        self._kept[endpoint_id] = kept
        self._remember_saved(endpoint_id, kept in _LASTING)
        return note

    def _store_without_keyring(
        self, endpoint_id: str, key: str, exc: KeyringUnavailable
    ) -> tuple[KeyLocation, str]:
        """Where the key went instead of the keyring, and the sentence that says so."""
        self._secrets.store_keys_in_file = self._settings.preferences.store_keys_in_file
        if self._secrets.store_keys_in_file:
            try:
                self._secrets.save_to_file(endpoint_id, key)
            except KeyFileError as file_error:
                self._secrets.remember_for_session(endpoint_id, key)
                # TRANSLATORS: {problem} says why the key file could not be written.
                return "session", _("{problem} The key is kept for this session only.").format(
                    problem=file_error.message
                )
            # TRANSLATORS: {problem} says why the keyring cannot be used; {path} is a file.
            return "file", _(
                "{problem} As you allowed in Settings, the key was saved in {path}, which "
                "only your user account can read."
            ).format(problem=first_sentence(exc.message), path=self._secrets.key_file)
        self._secrets.remember_for_session(endpoint_id, key)
        # TRANSLATORS: {problem} says why the keyring cannot be used.
        return "session", _(
            "{problem} The key is kept for this session only and nothing was written to "
            "disk. To keep keys between sessions, set up the system keyring, or allow "
            "storing keys in a file in Settings → Preferences."
        ).format(problem=first_sentence(exc.message))

    def forget(self, endpoint_id: str) -> None:
        """Delete a key from wherever it was kept, quietly (the endpoint is going away)."""
        self.clear()
        with suppress(KeyringUnavailable, KeyFileError):
            self._secrets.delete(endpoint_id)

    def remove(self, endpoint_id: str) -> str | None:
        """Delete a key the user asked to remove; a sentence to show if that did not work."""
        self.forget(endpoint_id)
        left = self.location(endpoint_id)
        self._remember_saved(endpoint_id, left in _LASTING)
        if left is not None:
            sentence = _NOT_REMOVED.get(left)
            if sentence is not None:
                return _(sentence)
            return _("The key could not be removed from {place}.").format(place=left)
        status = self.status()
        if not status.available and status.reason in ("locked", "error"):
            # TRANSLATORS: {problem} says why the keyring cannot be used.
            return _(
                "{problem} If it holds a copy of the key, that copy could not be removed; "
                "try again once the keyring works."
            ).format(problem=first_sentence(status.message))
        return None

    def status(self) -> KeyringStatus:
        """Whether keys can go to the OS keyring, with the sentence that explains it."""
        return self._secrets.status()

    def location(self, endpoint_id: str) -> KeyLocation | Literal["environment"] | None:
        """Where this endpoint's key is kept, for Settings to say so."""
        if self._env is not None and endpoint_id == self._env[0]:
            return "environment"
        try:
            return self._secrets.location(endpoint_id)
        except (KeyringUnavailable, KeyFileError):
            return None

    def stop_storing_in_file(self, endpoint_ids: Iterable[str]) -> None:
        """The file opt-in was turned off: delete the key file, keep its keys for this run."""
        self.clear()
        self._secrets.store_keys_in_file = True
        for endpoint_id in endpoint_ids:
            with suppress(KeyringUnavailable, KeyFileError):
                if self._secrets.location(endpoint_id) == "file":
                    key = self._secrets.get(endpoint_id)
                    if key:
                        self._secrets.remember_for_session(endpoint_id, key)
                        self._remember_saved(endpoint_id, False)
        self._secrets.discard_key_file()
        self._secrets.store_keys_in_file = False
