"""The endpoint list as edited in Settings, until OK hands it over in one piece.

Nothing here is written anywhere: Cancel drops the working copy, OK turns it
into :class:`~kimi_desktop.services.settings_edits.SettingsEdits` for the
endpoint service. The endpoint list and the endpoint form share one copy, so a
duplicate takes the key typed a moment ago and a removed endpoint takes its
typed key and its unfinished edits with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kimi_desktop.i18n import _
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.settings_edits import SettingsEdits
from kimi_desktop.settings.profiles import EndpointProfile, new_profile_id
from kimi_desktop.settings.schema import Preferences


@dataclass(frozen=True, slots=True)
class EndpointDraft:
    """An endpoint's fields as typed, while they are not valid yet."""

    name: str
    url: str
    protocol: int
    proxy: str
    key_required: bool
    prices: tuple[str, str, str, str]
    thinking_switch: int


class WorkingCopy:
    """Profiles, typed keys, keys to remove and unfinished edits, in the user's order.

    ``keys`` holds keys typed for endpoints (never a stored one); ``removed_keys``
    the endpoints whose stored key goes on OK; ``invalid`` what is wrong with
    each endpoint whose fields cannot be saved yet, with its ``drafts``.
    """

    def __init__(self, endpoints: EndpointService) -> None:
        self._endpoints = endpoints
        self.profiles: list[EndpointProfile] = list(endpoints.stored_profiles())
        self.keys: dict[str, str] = {}
        self.removed_keys: set[str] = set()
        self.invalid: dict[str, str] = {}
        self.drafts: dict[str, EndpointDraft] = {}

    def profile(self, endpoint_id: str | None) -> EndpointProfile | None:
        return next((p for p in self.profiles if p.id == endpoint_id), None)

    def row_of(self, endpoint_id: str | None) -> int:
        """The endpoint's position in the list; -1 when it is not there."""
        ids = [p.id for p in self.profiles]
        return ids.index(endpoint_id) if endpoint_id in ids else -1

    def name_of(self, endpoint_id: str) -> str:
        return next((p.name for p in self.profiles if p.id == endpoint_id), endpoint_id)

    def replace(self, profile: EndpointProfile) -> int:
        """Put the edited ``profile`` in place of the one with its id; returns its row."""
        row = self.row_of(profile.id)
        self.profiles[row] = profile
        return row

    def add(self, profile: EndpointProfile, key: str = "", index: int | None = None) -> str:
        """Insert a new endpoint (at the end by default) with a fresh id and name; its id."""
        stored = [p.id for p in self._endpoints.stored_profiles()]
        ids = [p.id for p in self.profiles] + stored
        if profile.id in ids:
            profile = replace(profile, id=new_profile_id(profile.name, ids))
        names = {p.name for p in self.profiles}
        if profile.name in names:
            number = 2
            while f"{profile.name} ({number})" in names:
                number += 1
            profile = replace(profile, name=f"{profile.name} ({number})")
        if key:
            self.keys[profile.id] = key
        self.profiles.insert(len(self.profiles) if index is None else index, profile)
        return profile.id

    def duplicate(self, row: int) -> str:
        """A copy of the endpoint at ``row``, right after it, with its key as it will be."""
        source = self.profiles[row]
        # TRANSLATORS: the name of a duplicated endpoint.
        copy = replace(source, name=_("{name} (copy)").format(name=source.name))
        return self.add(copy, self.key_for(source), index=row + 1)

    def remove(self, row: int) -> None:
        """Take the endpoint at ``row`` out; its typed key and unfinished edits go too."""
        removed = self.profiles.pop(row)
        self.keys.pop(removed.id, None)
        self.removed_keys.discard(removed.id)  # its key goes with it anyway
        self.invalid.pop(removed.id, None)
        self.drafts.pop(removed.id, None)

    def move(self, row: int, step: int) -> bool:
        """Swap the endpoint at ``row`` with its neighbour; False at either end."""
        target = row + step
        if not (0 <= row < len(self.profiles) and 0 <= target < len(self.profiles)):
            return False
        self.profiles[row], self.profiles[target] = self.profiles[target], self.profiles[row]
        return True

    def key_for(self, profile: EndpointProfile) -> str:
        """The key as it will be after OK: typed, else stored (unless being removed)."""
        typed = self.keys.get(profile.id)
        if typed or profile.id in self.removed_keys:
            return typed or ""
        return self._endpoints.key(profile.id) or ""

    def edits(self, preferences: Preferences, selected_id: str | None) -> SettingsEdits:
        """Everything to save on OK, for :meth:`EndpointService.apply`."""
        return SettingsEdits(
            profiles=tuple(self.profiles),
            preferences=preferences,
            keys={k: v for k, v in self.keys.items() if v},
            removed_keys=frozenset(self.removed_keys),
            selected_id=selected_id,
        )
