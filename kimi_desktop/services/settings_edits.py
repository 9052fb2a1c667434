"""What OK in Settings asks for, as one value, and how the endpoint list is written.

The settings dialog edits a working copy and hands the whole of it over at
once (see :meth:`~kimi_desktop.services.endpoints.EndpointService.apply`), so
the endpoint service is the only writer of endpoints, keys and preferences and
the dialog never touches the settings store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from kimi_desktop.settings.profiles import EndpointProfile
from kimi_desktop.settings.schema import Preferences
from kimi_desktop.settings.store import SettingsStore

__all__ = ["EndpointsNotSaved", "SettingsEdits", "wire_differs", "write_profiles"]


@dataclass(frozen=True, slots=True)
class SettingsEdits:
    """Everything the user changed in Settings.

    ``profiles`` is the whole endpoint list in the user's order; stored ones
    missing from it are removed, with their keys. ``keys`` are keys typed for
    endpoints (left out of the ``repr``, so logging an edit cannot leak one);
    ``removed_keys`` the endpoints whose stored key the user removed. A typed
    key wins over a removal. ``selected_id`` is the endpoint shown when OK was
    pressed: it is put to use if it was just set up and the active endpoint
    cannot work without a key.
    """

    profiles: tuple[EndpointProfile, ...]
    preferences: Preferences
    keys: Mapping[str, str] = field(default_factory=dict, repr=False)
    removed_keys: frozenset[str] = frozenset()
    selected_id: str | None = None


class EndpointsNotSaved(Exception):
    """The endpoint list could not be written; nothing after it was applied.

    ``sentence`` says why, for the dialog to show while it stays open.
    """

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def write_profiles(
    settings: SettingsStore,
    profiles: Sequence[EndpointProfile],
    on_removed: Callable[[str], None],
) -> None:
    """Make the stored endpoint list ``profiles``, in that order.

    ``on_removed`` is called with the id of each stored profile that is not in
    ``profiles``, right after it is removed (its key goes with it). Raises
    :class:`OSError` when a file cannot be written and :class:`ValueError` for
    an id that is taken or reserved; what was done until then stays done.
    """
    wanted = {p.id for p in profiles}
    for stored in list(settings.profiles):
        if stored.id not in wanted:
            settings.remove_profile(stored.id)
            on_removed(stored.id)
    for index, profile in enumerate(profiles):
        existing = settings.profile(profile.id)
        if existing is None:
            settings.add_profile(profile, index)
        else:
            if existing != profile:
                settings.update_profile(profile)
            settings.move_profile(profile.id, index)


def wire_differs(a: EndpointProfile, b: EndpointProfile) -> bool:
    """Whether requests would go elsewhere or differently (so models are worth refetching)."""
    return (a.base_url, a.protocol, a.proxy, a.key_required) != (
        b.base_url,
        b.protocol,
        b.proxy,
        b.key_required,
    )
