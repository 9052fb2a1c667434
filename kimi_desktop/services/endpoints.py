"""``EndpointService``: which endpoints exist, which is active, their keys and models.

Keys come from the environment (never persisted), the keys typed this run, or
the OS keyring — looked up lazily and remembered, because the keyring can take a
while (importing it costs ~0.1 s; a locked one asks the user to unlock it), and
the window must not wait for it. :meth:`EndpointService.load_key` does the first
lookup off the GUI thread. Without a usable keyring a key is kept for
the session only, or in the 0600 key file when the user opted in. Model lists
are fetched from the endpoint, merged with the table of known Kimi models,
cached per endpoint, and fall back to the known list where a provider has no
models endpoint. Where the provider reports the account's balance (Moonshot's
``/users/me/balance``, kimi-k2.ai's ``X-Credits-Remaining``), it is fetched
along with the models.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Collection
from contextlib import suppress
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal

from kimi_desktop.api import ApiError, AuthenticationError, ModelInfo
from kimi_desktop.api.demo import DEMO_ENDPOINT, DEMO_MODELS
from kimi_desktop.api.retry import RetryPolicy
from kimi_desktop.services.workers import in_worker
from kimi_desktop.settings.endpoints import EndpointProfile
from kimi_desktop.settings.known_models import fallback_models, known_model, merge_model_info
from kimi_desktop.settings.presets import preset_by_id
from kimi_desktop.settings.secrets import (
    KeyFileError,
    KeyLocation,
    KeyringStatus,
    KeyringUnavailable,
    SecretStore,
)
from kimi_desktop.settings.store import SettingsStore

if TYPE_CHECKING:
    import httpx

    from kimi_desktop.api import KimiClient

RetryCallback = Callable[[int, float, ApiError], None]

DEMO_PROFILE = EndpointProfile(
    id=DEMO_ENDPOINT.id,
    name=DEMO_ENDPOINT.name,
    base_url=DEMO_ENDPOINT.base_url,
    protocol="openai",
    key_required=False,
    model="kimi-k2.5",
)


def balance_source(profile: EndpointProfile) -> tuple[str, str] | None:
    """Where this endpoint's balance can be asked for, and its currency sign.

    The preset's ``balance_url`` is moved onto the profile's own server, so a
    preset pointed at a mirror or a test server asks that server (and the key
    never goes anywhere else). ``None`` for endpoints that report no balance.
    """
    preset = preset_by_id(profile.preset)
    if preset is None or preset.balance_url is None:
        return None
    documented = urlsplit(preset.balance_url)
    url = urlsplit(profile.base_url)._replace(path=documented.path, query="", fragment="")
    sign = "¥" if (documented.hostname or "").endswith(".cn") else "$"
    return url.geturl(), sign


def balance_text(amount: float, sign: str) -> str:
    """ "Balance ¥49.58": how the top bar shows a provider's balance."""
    return f"Balance {sign}{amount:,.2f}"


def credits_text(credits: float) -> str:
    """ "4,523 credits left": kimi-k2.ai's balance, counted in requests."""
    return f"{credits:,.0f} credits left"


class EndpointService(QObject):
    """The endpoints the pickers show and the clients the chat uses.

    Signals:
        endpoints_changed(): profiles were added, removed, renamed or reordered.
        active_changed(str endpoint_id): another endpoint is active, or the
            active one's address or key changed (models are worth refetching).
        models_changed(str endpoint_id): a fresh model list is available.
        models_failed(str endpoint_id, str sentence): fetching models failed.
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
        self._secrets = secrets
        self._env = environment
        self._demo = demo
        self._transport_factory = transport_factory
        self._models: dict[str, list[ModelInfo]] = {}
        self._balances: dict[str, str] = {}
        # Keys as last read from the secret store; forgotten whenever keys change.
        self._keys: dict[str, str | None] = {}
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
            extra.append(DEMO_PROFILE)
        return extra + list(self._settings.profiles)

    def profile(self, endpoint_id: str) -> EndpointProfile | None:
        return next((p for p in self.profiles() if p.id == endpoint_id), None)

    @property
    def active_id(self) -> str:
        return self._active

    def active_profile(self) -> EndpointProfile:
        return self.profile(self._active) or DEMO_PROFILE

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
        if self._env is not None and endpoint_id == self._env[0].id:
            return self._env[1]
        if endpoint_id in self._keys:
            return self._keys[endpoint_id]
        try:
            key = self._secrets.get(endpoint_id)
        except KeyringUnavailable:
            return None  # not remembered: the next request asks again
        self._keys[endpoint_id] = key
        return key

    async def load_key(self, endpoint_id: str) -> None:
        """Read the endpoint's key in a worker thread, so that :meth:`key` and
        :meth:`needs_key` answer at once afterwards."""
        if self.key_known(endpoint_id) is None:
            await in_worker(functools.partial(self.key, endpoint_id))

    def key_known(self, endpoint_id: str) -> bool | None:
        """Whether the endpoint has what it needs to send, without touching the keyring:
        ``None`` when only the keyring can tell (see :meth:`load_key`)."""
        profile = self.profile(endpoint_id)
        if profile is None or not profile.key_required:
            return True
        if self._env is not None and endpoint_id == self._env[0].id:
            return bool(self._env[1])
        if endpoint_id in self._keys:
            return bool(self._keys[endpoint_id])
        return None

    def needs_key(self, endpoint_id: str) -> bool:
        profile = self.profile(endpoint_id)
        return profile is not None and profile.key_required and not self.key(endpoint_id)

    def save_key(self, endpoint_id: str, key: str) -> str | None:
        """Store a key in the keyring; without one, in the opted-in file or this run only.

        Returns a sentence to show when the key did not go to the keyring
        (where it went instead, or why it was not taken); ``None`` when it did.
        """
        self._keys.clear()
        try:
            self._secrets.set(endpoint_id, key)
        except ValueError as exc:  # empty, or spaces inside: said without the key
            return f"The key was not saved because {exc}."
        except KeyringUnavailable as exc:
            return self._store_without_keyring(endpoint_id, key, exc)
        return None

    def _store_without_keyring(self, endpoint_id: str, key: str, exc: KeyringUnavailable) -> str:
        # The store mirrors the preference; read it here so the order in which
        # the app applies a just-saved preference and a just-typed key is moot.
        self._secrets.store_keys_in_file = self._settings.preferences.store_keys_in_file
        if self._secrets.store_keys_in_file:
            try:
                self._secrets.save_to_file(endpoint_id, key)
            except KeyFileError as file_error:
                self._secrets.remember_for_session(endpoint_id, key)
                return f"{file_error.message} The key is kept for this session only."
            return (
                f"{_first_sentence(exc.message)} As you allowed in Settings, the key was "
                f"saved in {self._secrets.key_file}, which only your user account can read."
            )
        self._secrets.remember_for_session(endpoint_id, key)
        return (
            f"{_first_sentence(exc.message)} The key is kept for this session only and "
            "nothing was written to disk. To keep keys between sessions, set up the system "
            "keyring, or allow storing keys in a file in Settings → Preferences."
        )

    def forget_key(self, endpoint_id: str) -> None:
        """Delete a removed endpoint's key from wherever it was kept."""
        self._keys.clear()
        with suppress(KeyringUnavailable, KeyFileError):
            self._secrets.delete(endpoint_id)

    def keyring_status(self) -> KeyringStatus:
        """Whether keys can go to the OS keyring, with the sentence that explains it."""
        return self._secrets.status()

    async def probe_keyring(self) -> KeyringStatus:
        """:meth:`keyring_status`, asked in a worker thread."""
        return await in_worker(self._secrets.status)

    def key_location(self, endpoint_id: str) -> KeyLocation | Literal["environment"] | None:
        """Where this endpoint's key is kept, for Settings to say so."""
        if self._env is not None and endpoint_id == self._env[0].id:
            return "environment"
        try:
            return self._secrets.location(endpoint_id)
        except (KeyringUnavailable, KeyFileError):
            return None

    def stop_storing_keys_in_file(self) -> None:
        """The file opt-in was turned off: delete the key file, keep its keys for this run."""
        self._keys.clear()
        self._secrets.store_keys_in_file = True
        for profile in self._settings.profiles:
            with suppress(KeyringUnavailable, KeyFileError):
                if self._secrets.location(profile.id) == "file":
                    key = self._secrets.get(profile.id)
                    if key:
                        self._secrets.remember_for_session(profile.id, key)
        self._secrets.discard_key_file()
        self._secrets.store_keys_in_file = False

    # -- clients and models ------------------------------------------------------

    def open_client(self, endpoint_id: str, on_retry: RetryCallback | None = None) -> KimiClient:
        """A client for the endpoint; raises a readable error when no key is set."""
        profile = self.profile(endpoint_id)
        if profile is None:
            raise ApiError("This endpoint no longer exists. Pick another one.")
        key = self.key(endpoint_id) or ""
        if profile.key_required and not key:
            raise AuthenticationError(
                f"No API key is set for “{profile.name}”. Add one in Settings.", code="no_key"
            )
        from kimi_desktop.api import KimiClient  # brings in httpx: not before it is needed

        return KimiClient(
            profile.endpoint,
            key,
            transport=self.transport_for(profile),
            retry=RetryPolicy(),
            on_retry=on_retry,
        )

    def transport_for(self, profile: EndpointProfile) -> httpx.AsyncBaseTransport | None:
        """The demo's canned transport, a test's, or ``None`` for the network."""
        if profile.id == DEMO_PROFILE.id:
            from kimi_desktop.api.demo_transport import DemoTransport

            return DemoTransport()
        return self._transport_factory(profile) if self._transport_factory else None

    def models(self, endpoint_id: str) -> list[ModelInfo]:
        """Cached models (fetched, or stored from an earlier run, or known)."""
        if endpoint_id in self._models:
            return self._models[endpoint_id]
        cached = self._settings.cached_models(endpoint_id)
        if cached is not None and cached.models:
            return [merge_model_info(m, known_model(m.id)) for m in cached.models]
        if endpoint_id == DEMO_PROFILE.id:
            return [ModelInfo(m["id"]) for m in DEMO_MODELS]  # type: ignore[arg-type]
        return self._fallback(endpoint_id)

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
        """Fetch the model list, then the balance; on failure keep the old list and say why."""
        profile = self.profile(endpoint_id)
        try:
            client = self.open_client(endpoint_id)
        except ApiError as exc:
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
                    self.models_failed.emit(endpoint_id, exc.message)
                    return
                served = None
            if served is None:
                self._models[endpoint_id] = self._fallback(endpoint_id)
            else:
                self._models[endpoint_id] = [merge_model_info(m, known_model(m.id)) for m in served]
                if endpoint_id != DEMO_PROFILE.id:
                    self._settings.cache_models(endpoint_id, served, fetched_at=time.time())
            self.models_changed.emit(endpoint_id)
            if profile is not None:
                await self._refresh_balance(profile, client)

    async def _refresh_balance(self, profile: EndpointProfile, client: KimiClient) -> None:
        """Ask for the balance where the provider reports one; quiet when it cannot."""
        text: str | None = None
        if client.credits_remaining is not None:
            text = credits_text(client.credits_remaining)
        source = balance_source(profile)
        if source is not None:
            url, sign = source
            with suppress(ApiError, ValueError):
                amount = await client.balance(url)
                if amount is not None:
                    text = balance_text(amount, sign)
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


def lists_no_models(profile: EndpointProfile) -> bool:
    """True for a preset documented without a models endpoint, still at its documented path."""
    preset = preset_by_id(profile.preset)
    if preset is None or preset.has_models_endpoint:
        return False
    return urlsplit(profile.base_url).path.rstrip("/") == urlsplit(preset.base_url).path.rstrip("/")


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text
