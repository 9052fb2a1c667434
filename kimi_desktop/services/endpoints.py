"""``EndpointService``: which endpoints exist, which is active, their keys and models.

Keys come from the environment (never persisted), the keys typed this run, or
the OS keyring — looked up lazily, because importing keyring costs ~0.2 s and
must not delay the first window. Model lists are fetched from the endpoint,
merged with the table of known Kimi models, cached per endpoint, and fall back
to the known list where a provider has no models endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress

import httpx
from PySide6.QtCore import QObject, Signal

from kimi_desktop.api import ApiError, AuthenticationError, KimiClient, ModelInfo
from kimi_desktop.api.demo import DEMO_ENDPOINT, DEMO_MODELS, DemoTransport
from kimi_desktop.api.retry import RetryPolicy
from kimi_desktop.settings.endpoints import EndpointProfile
from kimi_desktop.settings.known_models import fallback_models, known_model, merge_model_info
from kimi_desktop.settings.presets import preset_by_id
from kimi_desktop.settings.secrets import KeyringUnavailable, SecretStore
from kimi_desktop.settings.store import SettingsStore

RetryCallback = Callable[[int, float, ApiError], None]

DEMO_PROFILE = EndpointProfile(
    id=DEMO_ENDPOINT.id,
    name=DEMO_ENDPOINT.name,
    base_url=DEMO_ENDPOINT.base_url,
    protocol="openai",
    key_required=False,
    model="kimi-k2.5",
)


class EndpointService(QObject):
    """The endpoints the pickers show and the clients the chat uses.

    Signals:
        endpoints_changed(): profiles were added, removed, renamed or reordered.
        active_changed(str endpoint_id)
        models_changed(str endpoint_id): a fresh model list is available.
        models_failed(str endpoint_id, str sentence): fetching models failed.
    """

    endpoints_changed = Signal()
    active_changed = Signal(str)
    models_changed = Signal(str)
    models_failed = Signal(str, str)

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

    def reload(self) -> None:
        """Profiles changed on disk (Settings saved): refresh pickers."""
        if self.profile(self._active) is None:
            self._active = self.profiles()[0].id if self.profiles() else DEMO_PROFILE.id
            self.active_changed.emit(self._active)
        self.endpoints_changed.emit()

    # -- keys --------------------------------------------------------------------

    def key(self, endpoint_id: str) -> str | None:
        """The key for an endpoint, from the environment, this run, or the keyring."""
        if self._env is not None and endpoint_id == self._env[0].id:
            return self._env[1]
        try:
            return self._secrets.get(endpoint_id)
        except KeyringUnavailable:
            return None

    def needs_key(self, endpoint_id: str) -> bool:
        profile = self.profile(endpoint_id)
        return profile is not None and profile.key_required and not self.key(endpoint_id)

    def save_key(self, endpoint_id: str, key: str) -> str | None:
        """Store a key in the keyring; if there is none, keep it for this run.

        Returns a sentence to show when the key could not be stored durably.
        """
        try:
            self._secrets.set(endpoint_id, key)
        except KeyringUnavailable as exc:
            self._secrets.remember_for_session(endpoint_id, key)
            return f"{exc} The key is kept for this session only."
        return None

    def forget_key(self, endpoint_id: str) -> None:
        """Delete a removed endpoint's key from wherever it was kept."""
        with suppress(KeyringUnavailable):
            self._secrets.delete(endpoint_id)

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

    def _fallback(self, endpoint_id: str) -> list[ModelInfo]:
        profile = self.profile(endpoint_id)
        preset = preset_by_id(profile.preset) if profile else None
        return fallback_models(preset)

    async def refresh_models(self, endpoint_id: str) -> None:
        """Fetch the model list; on failure keep the old one and say why."""
        try:
            async with self.open_client(endpoint_id) as client:
                served = await client.list_models()
        except ApiError as exc:
            if exc.code == "no_models":
                self._models[endpoint_id] = self._fallback(endpoint_id)
                self.models_changed.emit(endpoint_id)
            else:
                self.models_failed.emit(endpoint_id, exc.message)
            return
        models = [merge_model_info(m, known_model(m.id)) for m in served]
        self._models[endpoint_id] = models
        if endpoint_id != DEMO_PROFILE.id:
            self._settings.cache_models(endpoint_id, served, fetched_at=time.time())
        self.models_changed.emit(endpoint_id)

    def remembered_model(self, endpoint_id: str) -> str | None:
        profile = self.profile(endpoint_id)
        return profile.model if profile else None

    def remember_model(self, endpoint_id: str, model: str) -> None:
        stored = self._settings.profile(endpoint_id)
        if stored is not None and stored.model != model:
            self._settings.remember_model(endpoint_id, model)
