"""``EndpointService``: which endpoints exist, which is active, their keys and models.

It is the one writer of the endpoint list, the keys and the preferences: the
window asks it to remember models and the active endpoint, and Settings hands
it everything the user changed at once (:meth:`EndpointService.apply`). Keys are
kept by a :class:`~kimi_desktop.services.key_storage.KeyKeeper`;
:meth:`EndpointService.load_key` does the first keyring lookup off the GUI
thread. Model lists are fetched from the endpoint, merged with the table of
known Kimi models and cached per endpoint; the table's list stands in only
while an endpoint has no list of its own (:class:`ModelListing` says which).
Where the provider reports the account's balance (see :mod:`.balance`), it is
fetched along with the models.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal

from kimi_desktop.api import ApiError, AuthenticationError, Message, ModelInfo
from kimi_desktop.api.demo import DEMO_ENDPOINT, DEMO_MODELS
from kimi_desktop.api.retry import RetryPolicy
from kimi_desktop.i18n import _, ngettext
from kimi_desktop.services.balance import account_balance
from kimi_desktop.services.connection_check import ConnectionReport, check_connection
from kimi_desktop.services.key_storage import KeyKeeper
from kimi_desktop.services.settings_edits import (
    EndpointsNotSaved,
    SettingsEdits,
    wire_differs,
    write_profiles,
)
from kimi_desktop.services.workers import in_worker
from kimi_desktop.settings.known_models import fallback_models, known_model, merge_model_info
from kimi_desktop.settings.presets import lists_no_models, preset_by_id
from kimi_desktop.settings.profiles import EndpointProfile
from kimi_desktop.settings.schema import Preferences
from kimi_desktop.settings.secrets import KeyLocation, KeyringStatus, SecretStore
from kimi_desktop.settings.store import SettingsStore

if TYPE_CHECKING:
    import httpx

    from kimi_desktop.api import KimiClient

RetryCallback = Callable[[int, float, ApiError], None]


TokenCounter = Callable[[str, Sequence[Message]], Awaitable[int]]
"""``(model, messages) -> tokens``: the provider's count of a prompt."""
FileReader = Callable[[str, bytes], Awaitable[str]]
"""``(file name, bytes) -> text``: the provider reading a document."""

#: Presets whose server has Moonshot's platform APIs (files, tokenizers).
_MOONSHOT_PLATFORM = frozenset({"moonshot-global", "moonshot-cn", "moonshot-anthropic"})


class ModelListing(enum.Enum):
    """Where the models an endpoint offers come from.

    Only ``LISTED`` models are the endpoint's own; in every other case the
    built-in table's list stands in, and the picker says why.
    """

    LISTED = "listed"  # the endpoint's list, fetched now or on an earlier run
    NOT_LISTED = "not_listed"  # the endpoint has no model list
    PENDING = "pending"  # it has one, not received yet
    FAILED = "failed"  # fetching it failed, and none was ever received


DEMO_PROFILE = EndpointProfile(
    id=DEMO_ENDPOINT.id,
    name=DEMO_ENDPOINT.name,
    base_url=DEMO_ENDPOINT.base_url,
    protocol="openai",
    key_required=False,
    model="kimi-k2.5",
)


def _demo_profile() -> EndpointProfile:
    """:data:`DEMO_PROFILE` with its name in the reader's language."""
    return dataclasses.replace(DEMO_PROFILE, name=_(DEMO_PROFILE.name))


class EndpointService(QObject):
    """The endpoints the pickers show and the clients the chat uses.

    Signals:
        endpoints_changed(): profiles were added, removed, renamed or reordered.
        active_changed(str endpoint_id): another endpoint is active, or the
            active one's address or key changed (models are worth refetching).
        models_changed(str endpoint_id): a fresh model list is available.
        models_failed(str endpoint_id, str sentence): fetching models failed, or the
            list was cut short (after ``models_changed``).
        balance_changed(str endpoint_id, str text): the provider reported the
            account's balance ("Balance $49.58", "97 credits left").
    """

    endpoints_changed = Signal()
    active_changed = Signal(str)
    models_changed = Signal(str)
    models_failed = Signal(str, str)
    balance_changed = Signal(str, str)

    def __init__(
        self,
        settings: SettingsStore,
        secrets: SecretStore,
        *,
        environment: tuple[EndpointProfile, str] | None = None,
        demo: bool = False,
        transport_factory: Callable[[EndpointProfile], httpx.AsyncBaseTransport | None]
        | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._keys = KeyKeeper(
            secrets, settings, (environment[0].id, environment[1]) if environment else None
        )
        self._env = environment
        self._demo = demo
        self._transport_factory = transport_factory
        self._models: dict[str, list[ModelInfo]] = {}  # lists the endpoints served
        self._unlisted: set[str] = set()  # endpoints that said they have no list
        self._failed: set[str] = set()  # endpoints whose list could not be fetched
        self._balances: dict[str, str] = {}
        if demo:
            self._active = DEMO_PROFILE.id
        elif environment is not None:
            self._active = environment[0].id
        else:
            stored = settings.state.last_endpoint_id
            ids = [p.id for p in self.profiles()]
            self._active = stored if stored in ids else (ids[0] if ids else DEMO_PROFILE.id)

    # -- endpoints ---------------------------------------------------------------

    def profiles(self) -> list[EndpointProfile]:
        """Every endpoint the picker offers, environment and demo ones included."""
        extra = [self._env[0]] if self._env is not None else []
        if self._demo:
            extra.append(_demo_profile())
        return extra + list(self._settings.profiles)

    def profile(self, endpoint_id: str) -> EndpointProfile | None:
        return next((p for p in self.profiles() if p.id == endpoint_id), None)

    @property
    def active_id(self) -> str:
        return self._active

    def active_profile(self) -> EndpointProfile:
        return self.profile(self._active) or _demo_profile()

    def set_active(self, endpoint_id: str) -> None:
        if endpoint_id == self._active or self.profile(endpoint_id) is None:
            return
        self._active = endpoint_id
        if endpoint_id not in (DEMO_PROFILE.id, self._env[0].id if self._env else None):
            self._settings.set_last_endpoint_id(endpoint_id)
        self.active_changed.emit(endpoint_id)

    def use_demo(self) -> None:
        """Add the offline demo endpoint for this run and make it active."""
        if not self._demo:
            self._demo = True
            self.endpoints_changed.emit()
        self.set_active(DEMO_PROFILE.id)

    def reload(self, changed: Collection[str] = ()) -> None:
        """Profiles changed on disk (Settings saved): refresh pickers.

        ``changed`` names the endpoints whose address, format or key changed;
        if the active one is among them, ``active_changed`` tells the window
        to show the chat (a key was added) and fetch its models again.
        """
        self._keys.clear()
        for endpoint_id in changed:
            self._models.pop(endpoint_id, None)
            self._balances.pop(endpoint_id, None)
            self._unlisted.discard(endpoint_id)
            self._failed.discard(endpoint_id)
        if self.profile(self._active) is None:
            self._active = self.profiles()[0].id if self.profiles() else DEMO_PROFILE.id
            self.endpoints_changed.emit()
            self.active_changed.emit(self._active)
            return
        self.endpoints_changed.emit()
        if self._active in changed:
            self.active_changed.emit(self._active)

    # -- keys --------------------------------------------------------------------

    def key(self, endpoint_id: str) -> str | None:
        """The key for an endpoint, from the environment, this run, or the keyring."""
        return self._keys.key(endpoint_id)

    async def load_key(self, endpoint_id: str) -> None:
        """Read the endpoint's key in a worker thread, so that :meth:`key` and
        :meth:`needs_key` answer at once afterwards; then remember for the next
        start whether one is saved (:meth:`key_expected`)."""
        if self.key_known(endpoint_id) is None:
            await in_worker(functools.partial(self.key, endpoint_id))
        self._keys.note_lookup(endpoint_id)

    def key_known(self, endpoint_id: str) -> bool | None:
        """Whether the endpoint has what it needs to send, without touching the keyring:
        ``None`` when only the keyring can tell (see :meth:`load_key`)."""
        profile = self.profile(endpoint_id)
        if profile is None or not profile.key_required:
            return True
        return self._keys.has_key(endpoint_id)

    def key_expected(self, endpoint_id: str) -> bool | None:
        """:meth:`key_known`, else whether a key was saved for the endpoint when the
        app last knew (a hint remembered between runs, never the key; ``None``:
        only the keyring can tell). The keyring itself is not touched."""
        known = self.key_known(endpoint_id)
        return known if known is not None else self._settings.key_saved(endpoint_id)

    def needs_key(self, endpoint_id: str) -> bool:
        profile = self.profile(endpoint_id)
        return profile is not None and profile.key_required and not self.key(endpoint_id)

    def save_key(self, endpoint_id: str, key: str) -> str | None:
        """Store a key in the keyring; without one, in the opted-in file or this run only.

        Returns a sentence to show when the key did not go to the keyring
        (where it went instead, or why it was not taken); ``None`` when it did.
        """
        return self._keys.save(endpoint_id, key)

    def forget_key(self, endpoint_id: str) -> None:
        """Delete a removed endpoint's key from wherever it was kept."""
        self._keys.forget(endpoint_id)

    def keyring_status(self) -> KeyringStatus:
        """Whether keys can go to the OS keyring, with the sentence that explains it."""
        return self._keys.status()

    async def probe_keyring(self) -> KeyringStatus:
        """:meth:`keyring_status`, asked in a worker thread."""
        return await in_worker(self._keys.status)

    def key_location(self, endpoint_id: str) -> KeyLocation | Literal["environment"] | None:
        """Where this endpoint's key is kept, for Settings to say so."""
        return self._keys.location(endpoint_id)

    def stop_storing_keys_in_file(self) -> None:
        """The file opt-in was turned off: delete the key file, keep its keys for this run."""
        self._keys.stop_storing_in_file(p.id for p in self._settings.profiles)

    # -- Settings ----------------------------------------------------------------

    @property
    def preferences(self) -> Preferences:
        """The preferences as saved."""
        return self._settings.preferences

    def stored_profiles(self) -> tuple[EndpointProfile, ...]:
        """The endpoints Settings edits, in the user's order (not the environment's or demo)."""
        return self._settings.profiles

    def apply(self, edits: SettingsEdits) -> list[str]:
        """Save what Settings asks for, then refresh the pickers.

        The endpoint list first, then the preferences, then the keys. Returns a
        sentence for each thing that could not be done as asked (a key the
        keyring refused, preferences that could not be written), led by the
        endpoint's name where it concerns one. Raises :class:`EndpointsNotSaved`,
        with nothing else applied, when the endpoint list cannot be written.
        """
        before = {p.id: p for p in self._settings.profiles}
        try:
            write_profiles(self._settings, edits.profiles, on_removed=self._keys.forget)
        except (OSError, ValueError) as exc:
            raise EndpointsNotSaved(
                _("The endpoints could not be saved: {error}").format(error=exc)
            ) from exc
        notes = self._save_preferences(edits.preferences)
        changed: set[str] = set()
        for profile in edits.profiles:
            key = edits.keys.get(profile.id)
            if key or profile.id in edits.removed_keys:
                note = self._keys.save(profile.id, key) if key else self._keys.remove(profile.id)
                if note:
                    # TRANSLATORS: a note about one endpoint, led by the endpoint's name.
                    notes.append(_("{name}: {note}").format(name=profile.name, note=note))
                changed.add(profile.id)
            stored = before.get(profile.id)
            if stored is None or wire_differs(stored, profile):
                changed.add(profile.id)
        self.reload(changed)
        chosen = edits.selected_id
        if (
            chosen is not None
            and chosen in changed
            and self.needs_key(self._active)
            and not self.needs_key(chosen)
        ):
            # The endpoint in use cannot work without a key; use the one just set up.
            self.set_active(chosen)
        return notes

    def _save_preferences(self, preferences: Preferences) -> list[str]:
        old = self._settings.preferences
        if preferences == old:
            return []
        if old.store_keys_in_file and not preferences.store_keys_in_file:
            self.stop_storing_keys_in_file()
        try:
            self._settings.set_preferences(preferences)
        except OSError as exc:
            return [
                _("The preferences could not be saved ({error}); they apply until quit.").format(
                    error=exc
                )
            ]
        return []

    async def check_connection(self, profile: EndpointProfile, api_key: str) -> ConnectionReport:
        """Settings' "Test connection" for a profile as edited, not necessarily saved."""
        return await check_connection(profile, api_key, transport=self.transport_for(profile))

    # -- clients and models ------------------------------------------------------

    def open_client(self, endpoint_id: str, on_retry: RetryCallback | None = None) -> KimiClient:
        """A client for the endpoint; raises a readable error when no key is set."""
        profile = self.profile(endpoint_id)
        if profile is None:
            raise ApiError(_("This endpoint no longer exists. Pick another one."))
        key = self.key(endpoint_id) or ""
        if profile.key_required and not key:
            raise AuthenticationError(
                _("No API key is set for “{name}”. Add one in Settings.").format(name=profile.name),
                code="no_key",
            )
        from kimi_desktop.api import KimiClient  # brings in httpx: not before it is needed

        return KimiClient(
            profile.endpoint,
            key,
            transport=self.transport_for(profile),
            retry=RetryPolicy(),
            on_retry=on_retry,
        )

    def token_counter(self, endpoint_id: str) -> TokenCounter | None:
        """Moonshot's own count of a prompt, or ``None`` (the token meter then estimates)."""
        if not self._has_platform_apis(endpoint_id):
            return None

        async def count(model: str, messages: Sequence[Message]) -> int:
            async with self.open_client(endpoint_id) as client:
                return await client.estimate_tokens(model, messages)

        return count

    def file_reader(self, endpoint_id: str) -> FileReader | None:
        """Moonshot's files API reading a document's text, or ``None`` (read locally)."""
        if not self._has_platform_apis(endpoint_id):
            return None

        async def read(name: str, data: bytes) -> str:
            async with self.open_client(endpoint_id) as client:
                return await client.extract_file(name, data)

        return read

    def _has_platform_apis(self, endpoint_id: str) -> bool:
        """Only Moonshot's presets, still at their documented path, have the files and
        tokenizer APIs (the client finds ``/v1`` from ``/anthropic`` itself)."""
        profile = self.profile(endpoint_id)
        preset = preset_by_id(profile.preset) if profile is not None else None
        if profile is None or preset is None or preset.id not in _MOONSHOT_PLATFORM:
            return False
        return urlsplit(profile.base_url).path.rstrip("/") == urlsplit(preset.base_url).path.rstrip(
            "/"
        )

    def transport_for(self, profile: EndpointProfile) -> httpx.AsyncBaseTransport | None:
        """The demo's canned transport, a test's, or ``None`` for the network."""
        if profile.id == DEMO_PROFILE.id:
            from kimi_desktop.api.demo_transport import DemoTransport

            return DemoTransport()
        return self._transport_factory(profile) if self._transport_factory else None

    def models(self, endpoint_id: str) -> list[ModelInfo]:
        """The endpoint's models (fetched, or stored from an earlier run), else the
        table's stand-in list (see :meth:`model_listing`)."""
        if endpoint_id in self._models:
            return self._models[endpoint_id]
        cached = self._cached(endpoint_id)
        if cached:
            return [merge_model_info(m, known_model(m.id)) for m in cached]
        if endpoint_id == DEMO_PROFILE.id:
            return [ModelInfo(m["id"]) for m in DEMO_MODELS]  # type: ignore[arg-type]
        return self._fallback(endpoint_id)

    def model_listing(self, endpoint_id: str) -> ModelListing:
        """Whether :meth:`models` is the endpoint's own list, and if not, why not."""
        if endpoint_id in self._models or endpoint_id == DEMO_PROFILE.id:
            return ModelListing.LISTED
        profile = self.profile(endpoint_id)
        if endpoint_id in self._unlisted or (profile is not None and lists_no_models(profile)):
            return ModelListing.NOT_LISTED
        if self._cached(endpoint_id):
            return ModelListing.LISTED
        return ModelListing.FAILED if endpoint_id in self._failed else ModelListing.PENDING

    def _cached(self, endpoint_id: str) -> tuple[ModelInfo, ...]:
        """The list stored on an earlier run, unless the endpoint since said it has none."""
        cached = self._settings.cached_models(endpoint_id)
        if cached is None or endpoint_id in self._unlisted:
            return ()
        return cached.models

    def sees_images(self, endpoint_id: str, model: str) -> bool:
        """False only when the model is known (listed or built in) not to take images."""
        listed = next((m for m in self.models(endpoint_id) if m.id == model), None)
        info = listed or known_model(model)
        return info is None or info.supports_images is not False

    def _fallback(self, endpoint_id: str) -> list[ModelInfo]:
        profile = self.profile(endpoint_id)
        preset = preset_by_id(profile.preset) if profile else None
        return fallback_models(preset)

    async def refresh_models(self, endpoint_id: str) -> None:
        """Fetch the model list, then the balance; on failure keep the old list and say why.

        The key is read first, in a worker thread, if it has not been yet."""
        profile = self.profile(endpoint_id)
        await self.load_key(endpoint_id)
        try:
            client = self.open_client(endpoint_id)
        except ApiError as exc:
            self._failed.add(endpoint_id)
            self.models_failed.emit(endpoint_id, exc.message)
            return
        async with client:
            try:
                if profile is not None and lists_no_models(profile):
                    served = None
                else:
                    served = await client.list_models()
            except ApiError as exc:
                if exc.code != "no_models":
                    self._failed.add(endpoint_id)
                    self.models_failed.emit(endpoint_id, exc.message)
                    return
                served = None
            self._failed.discard(endpoint_id)
            if served is None:
                self._models.pop(endpoint_id, None)
                self._unlisted.add(endpoint_id)
            else:
                self._unlisted.discard(endpoint_id)
                self._models[endpoint_id] = [merge_model_info(m, known_model(m.id)) for m in served]
                if endpoint_id != DEMO_PROFILE.id:
                    self._settings.cache_models(endpoint_id, served, fetched_at=time.time())
            self.models_changed.emit(endpoint_id)
            if served is not None and client.models_truncated:
                self.models_failed.emit(
                    endpoint_id,
                    ngettext(
                        "The endpoint lists more models than the app can show; only the first "
                        "{n} is listed. Type a model id if yours is missing.",
                        "The endpoint lists more models than the app can show; only the first "
                        "{n} are listed. Type a model id if yours is missing.",
                        len(served),
                    ).format(n=f"{len(served):,}"),
                )
            if profile is not None:
                await self._refresh_balance(profile, client)

    async def _refresh_balance(self, profile: EndpointProfile, client: KimiClient) -> None:
        """Ask for the balance where the provider reports one; quiet when it cannot."""
        text = await account_balance(profile, client)
        if text is not None and self._balances.get(profile.id) != text:
            self._balances[profile.id] = text
            self.balance_changed.emit(profile.id, text)

    def balance(self, endpoint_id: str) -> str:
        """The balance last reported for this endpoint ("" if none), as the top bar shows it."""
        return self._balances.get(endpoint_id, "")

    def remembered_model(self, endpoint_id: str) -> str | None:
        profile = self.profile(endpoint_id)
        return profile.model if profile else None

    def remember_model(self, endpoint_id: str, model: str) -> None:
        stored = self._settings.profile(endpoint_id)
        if stored is not None and stored.model != model:
            self._settings.remember_model(endpoint_id, model)
