"""Preferences, endpoint profiles and remembered UI state on disk.

Three JSON files in the config directory, kept apart because they change for
different reasons:

``preferences.json``
    What the user chose in Settings (see :mod:`.schema`).
``endpoints.json``
    The endpoint list, in the user's order. Seeded with the presets on first run.
    An endpoint still named as its preset is stored under the preset's English
    name and shown in the window's language (:func:`.presets.named_in_language`).
``state.json``
    What the app remembers by itself: the last endpoint, each endpoint's model
    list with the time it was fetched, the main window's geometry, and for each
    endpoint whether a key was saved for it (never the key, nor anything made
    from it: only ``true`` or ``false``, see :meth:`SettingsStore.key_saved`).

Every write is atomic. A file that cannot be parsed is renamed to
``<name>.corrupt-<timestamp>`` and the defaults are used; a single broken
profile is skipped while the others load. Both are explained in
:attr:`SettingsStore.load_warnings`. No secret is ever written: profiles hold
no keys, and the endpoint made from environment variables (id ``"env"``) is
never stored, nor is anything about it.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import logging
import math
import time
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimi_desktop.domain import ModelInfo, ThinkingSwitch
from kimi_desktop.i18n import N_, _
from kimi_desktop.settings.files import (
    JsonFileError,
    atomic_write_json,
    copy_aside,
    move_aside,
    read_json,
)
from kimi_desktop.settings.paths import AppPaths
from kimi_desktop.settings.presets import PRESETS, named_in_language, stored_name
from kimi_desktop.settings.profiles import (
    ENVIRONMENT_ENDPOINT_ID,
    EndpointProfile,
    new_profile_id,
)
from kimi_desktop.settings.schema import Language, Preferences

__all__ = ["CachedModels", "SettingsStore", "UiState"]

_log = logging.getLogger(__name__)

PREFERENCES_FILE = "preferences.json"
ENDPOINTS_FILE = "endpoints.json"
STATE_FILE = "state.json"
_FORMAT_VERSION = 1

#: The three files, by what a person calls them in the sentences below.
_PREFERENCES, _ENDPOINTS, _STATE = "preferences", "endpoints", "state"
#: A file could not be read because it {why}: what was said, by file and why.
_UNREADABLE = {
    (_PREFERENCES, "damaged"): N_(
        "Your preferences could not be read because {file} is damaged, so the defaults are used."
    ),
    (_PREFERENCES, "layout"): N_(
        "Your preferences could not be read because {file} does not have the expected "
        "layout, so the defaults are used."
    ),
    (_ENDPOINTS, "damaged"): N_(
        "Your endpoint list could not be read because {file} is damaged, so the built-in "
        "presets were restored."
    ),
    (_ENDPOINTS, "layout"): N_(
        "Your endpoint list could not be read because {file} does not have the expected "
        "layout, so the built-in presets were restored."
    ),
    (_ENDPOINTS, "no list"): N_(
        "Your endpoint list could not be read because {file} has no list of endpoints, so "
        "the built-in presets were restored."
    ),
    (_STATE, "damaged"): N_(
        "The remembered window layout and model lists could not be read because {file} is "
        "damaged, so they were reset."
    ),
    (_STATE, "layout"): N_(
        "The remembered window layout and model lists could not be read because {file} does "
        "not have the expected layout, so they were reset."
    ),
}
#: A file could not be opened ({path}: {reason}), by file.
_NOT_OPENED = {
    _PREFERENCES: N_(
        "Your preferences could not be read ({path}: {reason}), so the defaults are used "
        "for this session."
    ),
    _ENDPOINTS: N_(
        "Your endpoint list could not be read ({path}: {reason}), so the built-in presets "
        "were restored for this session."
    ),
    _STATE: N_(
        "The remembered window layout and model lists could not be read ({path}: {reason}), "
        "so they were reset for this session."
    ),
}


@dataclass(frozen=True, slots=True)
class CachedModels:
    """An endpoint's model list as last fetched; ``fetched_at`` in Unix seconds."""

    models: tuple[ModelInfo, ...]
    fetched_at: float


@dataclass(frozen=True, slots=True)
class UiState:
    """What the app remembers between runs without the user choosing it.

    ``window_geometry`` and ``window_state`` are base64 text of Qt's
    ``saveGeometry()`` / ``saveState()`` bytes. ``keys_saved`` tells, by
    endpoint id, whether a key was last seen saved for it (an endpoint missing
    from it has not been looked at since the app began to remember this).
    """

    last_endpoint_id: str | None = None
    window_geometry: str | None = None
    window_state: str | None = None
    model_cache: Mapping[str, CachedModels] = field(default_factory=dict)
    keys_saved: Mapping[str, bool] = field(default_factory=dict)


def chosen_language(paths: AppPaths) -> Language:
    """The stored language preference, read before the settings are loaded, so the
    sentences loading them produces are already in that language. Anything
    unreadable means "system": loading the settings then says what was wrong."""
    try:
        data = read_json(paths.config_dir / PREFERENCES_FILE)
    except (OSError, JsonFileError):
        return "system"
    value = data.get("language") if isinstance(data, dict) else None
    choices: tuple[Language, ...] = typing.get_args(Language)
    return next((choice for choice in choices if choice == value), "system")


class SettingsStore:
    """Loads the three files at construction and saves each change at once.

    Mutators raise :class:`OSError` when a file cannot be written; the change
    is then kept in memory only. Profile methods raise :class:`KeyError` for
    an unknown id and :class:`ValueError` for an id already taken or reserved.
    """

    def __init__(self, paths: AppPaths) -> None:
        self._paths = paths
        self._preferences = Preferences()
        self._profiles: list[EndpointProfile] = []
        self._state = UiState()
        self.load_warnings: list[str] = []
        """Plain-words explanations of anything that could not be loaded as stored."""
        self.first_run = not self._path(ENDPOINTS_FILE).exists()
        """No endpoint list was stored before this start: nobody has set the app up yet."""
        self.reload()

    def __repr__(self) -> str:
        return f"SettingsStore({self._paths.config_dir!s}, {len(self._profiles)} endpoints)"

    @property
    def config_dir(self) -> Path:
        """Where the three files live."""
        return self._paths.config_dir

    def reload(self) -> None:
        """(Re)read every file; :attr:`load_warnings` then describes this load only."""
        self.load_warnings = []
        self._load_preferences()
        self._load_profiles()
        self._load_state()
        for warning in self.load_warnings:
            _log.warning("%s", warning)

    # -- preferences -------------------------------------------------------------

    @property
    def preferences(self) -> Preferences:
        """The current preferences."""
        return self._preferences

    def set_preferences(self, preferences: Preferences) -> None:
        """Replace the preferences and save them."""
        self._preferences = preferences
        self._write(PREFERENCES_FILE, preferences.to_dict())

    # -- endpoint profiles -------------------------------------------------------

    @property
    def profiles(self) -> tuple[EndpointProfile, ...]:
        """Every stored profile in the user's order."""
        return tuple(self._profiles)

    def profile(self, profile_id: str) -> EndpointProfile | None:
        """The profile with this id, or ``None``."""
        return next((p for p in self._profiles if p.id == profile_id), None)

    def default_profile(self) -> EndpointProfile | None:
        """The profile to start with: the last one used if it still exists, else the first."""
        last = self._state.last_endpoint_id
        chosen = self.profile(last) if last else None
        return chosen or (self._profiles[0] if self._profiles else None)

    def add_profile(self, profile: EndpointProfile, index: int | None = None) -> EndpointProfile:
        """Store a new profile at ``index`` (default: at the end)."""
        self._check_new_id(profile.id)
        position = len(self._profiles) if index is None else index
        self._profiles.insert(position, profile)
        self._save_profiles()
        return profile

    def update_profile(self, profile: EndpointProfile) -> None:
        """Replace the stored profile that has the same id."""
        self._profiles[self._index(profile.id)] = profile
        self._save_profiles()

    def remember_model(self, profile_id: str, model: str | None) -> None:
        """Record ``model`` as the last one used with this profile."""
        index = self._index(profile_id)
        self._profiles[index] = self._profiles[index].with_model(model)
        self._save_profiles()

    def duplicate_profile(self, profile_id: str, name: str | None = None) -> EndpointProfile:
        """A copy with a new id, placed right after the original.

        The API key is not copied (it is filed under the id): the caller copies
        it if the user wants that.
        """
        index = self._index(profile_id)
        original = self._profiles[index]
        copy_name = name or _("{name} (copy)").format(name=original.name)
        copy = dataclasses.replace(
            original,
            id=new_profile_id(copy_name, {p.id for p in self._profiles}),
            name=copy_name,
        )
        self._profiles.insert(index + 1, copy)
        self._save_profiles()
        return copy

    def remove_profile(self, profile_id: str) -> EndpointProfile:
        """Delete a profile and what the state remembers about it; returns it.

        Its API key stays in the keyring: delete it through the secret store.
        """
        removed = self._profiles.pop(self._index(profile_id))
        self._save_profiles()
        cache = {k: v for k, v in self._state.model_cache.items() if k != profile_id}
        keys = {k: v for k, v in self._state.keys_saved.items() if k != profile_id}
        last = self._state.last_endpoint_id
        self._set_state(
            model_cache=cache,
            keys_saved=keys,
            last_endpoint_id=None if last == profile_id else last,
        )
        return removed

    def move_profile(self, profile_id: str, index: int) -> None:
        """Move a profile to position ``index`` (clamped to the list)."""
        profile = self._profiles.pop(self._index(profile_id))
        self._profiles.insert(max(0, min(index, len(self._profiles))), profile)
        self._save_profiles()

    # -- remembered state --------------------------------------------------------

    @property
    def state(self) -> UiState:
        """What the app remembers between runs."""
        return self._state

    def set_last_endpoint_id(self, profile_id: str | None) -> None:
        """Remember the endpoint in use (the environment endpoint is not written)."""
        self._set_state(last_endpoint_id=profile_id)

    def set_window_geometry(self, geometry: str | None) -> None:
        """Remember the main window's geometry (base64 of ``saveGeometry()``)."""
        self._set_state(window_geometry=geometry)

    def set_window_state(self, window_state: str | None) -> None:
        """Remember the main window's toolbars and docks (base64 of ``saveState()``)."""
        self._set_state(window_state=window_state)

    def cached_models(self, profile_id: str) -> CachedModels | None:
        """The model list last fetched for this endpoint, if any."""
        return self._state.model_cache.get(profile_id)

    def cache_models(
        self, profile_id: str, models: Iterable[ModelInfo], fetched_at: float | None = None
    ) -> CachedModels:
        """Remember an endpoint's model list, fetched now unless ``fetched_at`` says."""
        entry = CachedModels(tuple(models), time.time() if fetched_at is None else fetched_at)
        self._set_state(model_cache={**self._state.model_cache, profile_id: entry})
        return entry

    def key_saved(self, profile_id: str) -> bool | None:
        """Whether a key was saved for this endpoint when the app last knew (its own
        save, removal or lookup), without asking where keys are kept; ``None`` when
        it has not known since it began to remember this. Nothing was saved before
        the first run.

        Only a hint for the page shown at start, so the keyring (over 10 MB and
        half a second of CPU to load) waits until a key is needed: the key itself
        is still read from where it is kept, and a hint proved wrong is corrected.
        """
        saved = self._state.keys_saved.get(profile_id)
        if saved is None and self.first_run:
            return False
        return saved

    def set_key_saved(self, profile_id: str, saved: bool) -> None:
        """Remember whether a key is saved for this endpoint (written only when it
        changes; the environment endpoint's is never written)."""
        if profile_id == ENVIRONMENT_ENDPOINT_ID or self._state.keys_saved.get(profile_id) == saved:
            return
        self._set_state(keys_saved={**self._state.keys_saved, profile_id: saved})

    # -- loading -----------------------------------------------------------------

    def _load_preferences(self) -> None:
        data = self._read(PREFERENCES_FILE, _PREFERENCES, expected=dict)
        if data is None:
            self._preferences = Preferences()
            return
        try:
            self._preferences, warnings = Preferences.from_dict(data)
        except (TypeError, ValueError, ArithmeticError, RecursionError):
            # Values no editor writes (the file was damaged or written by hand).
            self._quarantine(PREFERENCES_FILE, _PREFERENCES, "layout")
            self._preferences = Preferences()
            return
        self.load_warnings += warnings

    def _load_profiles(self) -> None:
        path = self._path(ENDPOINTS_FILE)
        existed = path.exists()
        data = self._read(ENDPOINTS_FILE, _ENDPOINTS, expected=(dict, list))
        entries = data.get("endpoints") if isinstance(data, dict) else data
        if data is not None and not isinstance(entries, list):
            self._quarantine(ENDPOINTS_FILE, _ENDPOINTS, "no list")
            entries = None
        if entries is None:
            self._profiles = [preset.to_profile() for preset in PRESETS]
            if existed and path.exists():
                return  # unreadable for another reason: do not overwrite it
            try:
                self._save_profiles()
            except OSError as exc:
                self.load_warnings.append(
                    _("The endpoint list could not be saved in {folder}: {reason}.").format(
                        folder=self.config_dir, reason=_reason(exc)
                    )
                )
            return
        self._profiles = self._parse_profiles(entries, path)

    def _parse_profiles(self, entries: list[Any], path: Path) -> list[EndpointProfile]:
        profiles: list[EndpointProfile] = []
        skipped: list[str] = []
        for number, entry in enumerate(entries, start=1):
            name = entry.get("name") if isinstance(entry, Mapping) else None
            try:
                profile = named_in_language(
                    EndpointProfile.from_dict(entry, thinking_switch=_preset_switch(entry))
                )
                self._check_new_id(profile.id, profiles)
            except ValueError as exc:
                reason = _lower_first(str(exc)).rstrip(".。")
                skipped.append(_skipped(number, name, reason, path.name))
                continue
            except (TypeError, ArithmeticError, RecursionError):
                skipped.append(_skipped(number, name, None, path.name))
                continue
            profiles.append(profile)
        if skipped:
            try:
                backup = " " + _("A copy of the file was kept as {name}.").format(
                    name=copy_aside(path, "invalid").name
                )
            except OSError:
                backup = ""
            for message in skipped:
                self.load_warnings.append(message + backup)
        return profiles

    def _load_state(self) -> None:
        data = self._read(STATE_FILE, _STATE, expected=dict)
        try:
            self._state = _state_from_dict(data) if data is not None else UiState()
        except (TypeError, ValueError, ArithmeticError, RecursionError):
            self._state = UiState()  # a convenience: reset quietly, as odd values are

    def _read(self, name: str, kind: str, *, expected: type | tuple[type, ...]) -> Any:
        """The file's JSON, or ``None`` (missing, or reported and moved aside).

        ``kind`` is the file's key in :data:`_UNREADABLE` and :data:`_NOT_OPENED`.
        """
        path = self._path(name)
        try:
            data = read_json(path)
        except JsonFileError:
            self._quarantine(name, kind, "damaged")
            return None
        except OSError as exc:
            self.load_warnings.append(_(_NOT_OPENED[kind]).format(path=path, reason=_reason(exc)))
            return None
        if data is not None and not isinstance(data, expected):
            self._quarantine(name, kind, "layout")
            return None
        return data

    def _quarantine(self, name: str, kind: str, why: str) -> None:
        path = self._path(name)
        try:
            kept = " " + _("The unreadable file was kept as {name}.").format(
                name=move_aside(path).name
            )
        except OSError:
            kept = ""
        self.load_warnings.append(_(_UNREADABLE[kind, why]).format(file=path.name) + kept)

    # -- saving ------------------------------------------------------------------

    def _save_profiles(self) -> None:
        stored = [
            {**p.to_dict(), "name": stored_name(p)}
            for p in self._profiles
            if p.id != ENVIRONMENT_ENDPOINT_ID
        ]
        self._write(ENDPOINTS_FILE, {"version": _FORMAT_VERSION, "endpoints": stored})

    def _set_state(self, **changes: Any) -> None:
        self._state = dataclasses.replace(self._state, **changes)
        self._write(STATE_FILE, _state_to_dict(self._state))

    def _write(self, name: str, data: object) -> None:
        self._paths.ensure_config_dir()
        atomic_write_json(self._path(name), data)

    def _path(self, name: str) -> Path:
        return self._paths.config_dir / name

    # -- helpers -----------------------------------------------------------------

    def _index(self, profile_id: str) -> int:
        for index, profile in enumerate(self._profiles):
            if profile.id == profile_id:
                return index
        raise KeyError(profile_id)

    def _check_new_id(
        self, profile_id: str, existing: Iterable[EndpointProfile] | None = None
    ) -> None:
        if profile_id == ENVIRONMENT_ENDPOINT_ID:
            # TRANSLATORS: follows "Endpoint 1 was skipped because"; {id} is an endpoint's id.
            raise ValueError(
                _("the id {id} is reserved for the environment endpoint").format(
                    id=repr(profile_id)
                )
            )
        pool = self._profiles if existing is None else existing
        if any(p.id == profile_id for p in pool):
            # TRANSLATORS: follows "Endpoint 1 was skipped because"; {id} is an endpoint's id.
            raise ValueError(
                _("another endpoint already has the id {id}").format(id=repr(profile_id))
            )


def _state_to_dict(state: UiState) -> dict[str, object]:
    keep = ENVIRONMENT_ENDPOINT_ID
    return {
        "version": _FORMAT_VERSION,
        "last_endpoint_id": None if state.last_endpoint_id == keep else state.last_endpoint_id,
        "window_geometry": state.window_geometry,
        "window_state": state.window_state,
        "models": {
            endpoint_id: {
                "fetched_at": entry.fetched_at,
                "models": [dataclasses.asdict(model) for model in entry.models],
            }
            for endpoint_id, entry in state.model_cache.items()
            if endpoint_id != keep
        },
        "keys_saved": {
            endpoint_id: saved
            for endpoint_id, saved in state.keys_saved.items()
            if endpoint_id != keep
        },
    }


def _state_from_dict(data: Mapping[str, Any]) -> UiState:
    """Lenient: state is a convenience, so anything odd is dropped quietly."""
    last = data.get("last_endpoint_id")
    cache: dict[str, CachedModels] = {}
    raw_cache = data.get("models")
    if isinstance(raw_cache, Mapping):
        for endpoint_id, raw in raw_cache.items():
            entry = _cached_models(raw)
            if entry is not None:
                cache[str(endpoint_id)] = entry
    raw_keys = data.get("keys_saved")
    keys = (
        {str(k): v for k, v in raw_keys.items() if isinstance(v, bool)}
        if isinstance(raw_keys, Mapping)
        else {}
    )
    return UiState(
        last_endpoint_id=last if isinstance(last, str) else None,
        window_geometry=_base64_or_none(data.get("window_geometry")),
        window_state=_base64_or_none(data.get("window_state")),
        model_cache=cache,
        keys_saved=keys,
    )


def _cached_models(raw: object) -> CachedModels | None:
    if not isinstance(raw, Mapping):
        return None
    fetched_at = raw.get("fetched_at")
    models = raw.get("models")
    if isinstance(fetched_at, bool) or not isinstance(fetched_at, int | float):
        return None
    try:
        fetched_at = float(fetched_at)
    except OverflowError:
        return None
    if not math.isfinite(fetched_at):
        return None
    if not isinstance(models, list):
        return None
    parsed = [m for m in (_model_info(item) for item in models) if m is not None]
    return CachedModels(tuple(parsed), float(fetched_at))


def _model_info(raw: object) -> ModelInfo | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        return None

    def typed(name: str, kind: type) -> Any:
        value = raw.get(name)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        return None

    return ModelInfo(
        id=raw["id"],
        owned_by=typed("owned_by", str),
        context_length=typed("context_length", int),
        supports_images=typed("supports_images", bool),
        supports_reasoning=typed("supports_reasoning", bool),
        supports_video=typed("supports_video", bool),
    )


def _preset_switch(entry: object) -> ThinkingSwitch:
    """How a stored endpoint that does not say switches thinking: as its preset does.

    Files written before the choice existed load unchanged, and a local server
    made from its preset gets the preset's ``chat_template_kwargs``.
    """
    preset_id = entry.get("preset") if isinstance(entry, Mapping) else None
    preset = next((p for p in PRESETS if p.id == preset_id), None)
    return preset.thinking_switch if preset is not None else "thinking"


def _base64_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return value


def _skipped(number: int, name: object, reason: str | None, file: str) -> str:
    """The sentence for endpoint ``number`` (named ``name``, if text) skipped because of
    ``reason`` (``None``: its values have the wrong types) in ``file``."""
    if reason is None:
        if isinstance(name, str):
            return _(
                "Endpoint {number} (“{name}”) was skipped because its values have the wrong "
                "types (in {file})."
            ).format(number=number, name=name, file=file)
        return _(
            "Endpoint {number} was skipped because its values have the wrong types (in {file})."
        ).format(number=number, file=file)
    if isinstance(name, str):
        return _("Endpoint {number} (“{name}”) was skipped because {reason} (in {file}).").format(
            number=number, name=name, reason=reason, file=file
        )
    return _("Endpoint {number} was skipped because {reason} (in {file}).").format(
        number=number, reason=reason, file=file
    )


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
