"""``EndpointPresenter``: the top bar's endpoint, models and balance, and the welcome page.

Part of what the main window shows, decided without widgets (see
:class:`~kimi_desktop.services.presenter.ChatPresenter`, which owns one): which
endpoints and models to offer, the balance, and whether the welcome page asks
for a key or the chat is shown.

The model picker holds only what the endpoint lists: a remembered or picked id
the list lacks is replaced by the remembered model, else the first current
(non-legacy) one. The built-in table's list stands in only while the endpoint
has no list of its own, and the picker's tooltip says so. The one exception is
the open conversation's own model, shown (as not offered here) while it is open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from kimi_desktop.domain import ModelInfo, ThinkingFields
from kimi_desktop.i18n import N_, _
from kimi_desktop.services.balance import credits_text
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice, Notice, Page
from kimi_desktop.services.endpoints import DEMO_PROFILE, EndpointService, ModelListing
from kimi_desktop.services.thinking import thinking_fields
from kimi_desktop.services.workers import BackgroundTasks
from kimi_desktop.settings.known_models import (
    is_legacy,
    known_model,
    merge_model_info,
    thinking_mode,
)
from kimi_desktop.settings.presets import preset_by_id
from kimi_desktop.settings.store import SettingsStore

_log = logging.getLogger(__name__)

#: A piece of work that asks the keyring (reading a key, probing where keys go).
_Work = Callable[[], Coroutine[Any, Any, None]]

#: Why the picker offers the built-in table's models, by where the models come from.
_LISTING_NOTES = {
    ModelListing.NOT_LISTED: N_(
        "This endpoint does not list its models; these are the known Kimi models. "
        "You can also type a model id."
    ),
    ModelListing.PENDING: N_(
        "The endpoint's own model list has not arrived yet; these are the known Kimi models "
        "until it does."
    ),
    ModelListing.FAILED: N_(
        "The endpoint's model list could not be fetched; these are the known Kimi models. "
        "Refresh to try again."
    ),
}


class EndpointPresenter(QObject):
    """The endpoint and model pickers, the balance, the key and the page.

    ``current_choice`` tells the model picked in the top bar; ``has_conversation``
    whether a conversation is open (its history is shown even without a key).

    Signals:
        endpoints_listed(list[(id, name)], str active)
        welcome_providers_listed(list[(id, name)], str active): endpoints that take a key.
        models_listed(list[ModelInfo], object current model id or None, str note):
            ``note`` is "" when the models are the endpoint's own list, else the
            sentence saying why the built-in table's models stand in.
        balance_changed(str)
        page_changed(Page)
        key_storage_described(bool available, str sentence): for the welcome page.
        welcome_message(str): a sentence for the welcome page.
        notice_changed(Notice): for the composer (where a pasted key went).
        status_message(str sentence, int milliseconds)
    """

    endpoints_listed = Signal(list, str)
    welcome_providers_listed = Signal(list, str)
    models_listed = Signal(list, object, str)
    balance_changed = Signal(str)
    page_changed = Signal(object)
    key_storage_described = Signal(bool, str)
    welcome_message = Signal(str)
    notice_changed = Signal(object)
    status_message = Signal(str, int)

    def __init__(
        self,
        *,
        chat: ChatSession,
        endpoints: EndpointService,
        settings: SettingsStore,
        current_choice: Callable[[], ModelChoice],
        has_conversation: Callable[[], bool],
        tasks: BackgroundTasks,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._endpoints = endpoints
        self._settings = settings
        self._current_choice = current_choice
        self._has_conversation = has_conversation
        self._tasks = tasks
        # The open conversation's model: kept in the picker even when unlisted.
        self._conversation_model: str | None = None
        self._page: Page | None = None  # the page last shown
        # Keyring work asked for while held (see hold_keyring), by what it asks,
        # and whether the page waits for it.
        self._held: dict[object, tuple[_Work, bool]] | None = None
        self._painted = False  # the hold's first step is over (see hold_keyring)
        chat.credits_changed.connect(self._on_chat_credits_changed)
        endpoints.endpoints_changed.connect(self.list_endpoints)
        endpoints.active_changed.connect(self._on_endpoints_active_changed)
        endpoints.models_changed.connect(self._on_endpoints_models_changed)
        endpoints.balance_changed.connect(self._on_endpoints_balance_changed)
        endpoints.models_failed.connect(self._on_endpoints_models_failed)

    @property
    def active_id(self) -> str:
        return self._endpoints.active_id

    def hold_keyring(self) -> Callable[[], None]:
        """Ask the keyring nothing until it is wanted (:meth:`want_keyring`: at the
        first input, or when something needs a key).

        Loading the keyring's backends takes about half a second of CPU and over
        10 MB (measured: idle memory 104 -> 92 MB on a first run), which a window
        left alone does not need: the page comes from the hint remembered at the
        last run (:meth:`show_page`) and the cached model list stands in for the
        endpoint's. What was asked meanwhile runs when the keyring is wanted, in
        the order asked, one after the other, so the backends load once.

        The returned callable marks the window's first paint. A page no hint can
        decide (settings from before the hint was kept) does not wait for the
        input: from then on its look-up, and with it everything held, runs at
        once. Calling the callable again does nothing.
        """
        if self._held is None:
            self._held = {}
            self._painted = False

        def release() -> None:
            self._painted = True
            if self._held and any(waits for _work, waits in self._held.values()):
                self.want_keyring()

        return release

    def want_keyring(self) -> None:
        """The keyring is about to be needed (the first key press or pointer
        movement, a refresh, a pasted key): run what waited for it now, in a
        worker thread, so the key is there before it is asked for. Then
        nothing waits any more."""
        held, self._held = self._held, None
        if held:
            self._tasks.start(_one_after_another([work for work, _waits in held.values()]))

    def _ask_keyring(
        self,
        what: object,
        work: _Work,
        *,
        page_waits: bool = False,
    ) -> None:
        """Start ``work`` now, or once the keyring is wanted (once per ``what``);
        ``page_waits``: no hint decides the page, so after the first paint it is
        not held back."""
        if self._held is None:
            self._tasks.start(work())
            return
        waited = what in self._held and self._held[what][1]
        self._held[what] = (work, page_waits or waited)
        if page_waits and self._painted:
            self.want_keyring()

    def _on_chat_credits_changed(self, endpoint_id: str, credits: float) -> None:
        if endpoint_id == self._endpoints.active_id:
            self.balance_changed.emit(credits_text(credits))

    def model_info(self, model_id: str) -> ModelInfo | None:
        """What is known about ``model_id`` on the active endpoint.

        Its entry in the endpoint's list, its gaps filled from the table's row for
        that id; for an id the endpoint does not list, or where it has no list,
        the table's row; ``None`` when neither knows it.
        """
        models = self._endpoints.models(self._endpoints.active_id)
        listed = next((m for m in models if m.id == model_id), None)
        if listed is not None:
            return merge_model_info(listed)
        known = known_model(model_id)
        return None if known is None else replace(known, id=model_id)

    def web_search_available(self) -> bool:
        """Whether the active endpoint runs Kimi's built-in ``$web_search`` tool.

        Only Moonshot's own OpenAI-format endpoints do (and the offline demo,
        which plays a search); resellers and local servers would reject the tool
        declaration.
        """
        profile = self._endpoints.active_profile()
        if profile.id == DEMO_PROFILE.id:
            return True
        preset = preset_by_id(profile.preset)
        return preset is not None and preset.web_search and profile.protocol == "openai"

    def thinking_for(self, choice: ModelChoice) -> ThinkingFields:
        """How a request for ``choice`` on the active endpoint switches reasoning.

        The model's mode (:func:`~kimi_desktop.settings.known_models.thinking_mode`)
        written the way the active endpoint takes the switch.
        """
        info = self.model_info(choice.model) or ModelInfo(choice.model)
        switch = self._endpoints.active_profile().thinking_switch
        return thinking_fields(thinking_mode(info), switch, choice)

    def list_endpoints(self) -> None:
        """Announce the endpoints, the welcome page's providers and the active one's models."""
        endpoints = self._endpoints
        profiles = endpoints.profiles()
        self.endpoints_listed.emit([(p.id, p.name) for p in profiles], endpoints.active_id)
        self._list_welcome_providers()
        wanted = self._current_choice().model if self._has_conversation() else None
        self._list_models(endpoints.active_id, wanted or None)
        self.balance_changed.emit(endpoints.balance(endpoints.active_id))

    def _list_models(self, endpoint_id: str, wanted: str | None) -> None:
        """Announce the endpoint's models with ``wanted`` selected where it may be."""
        models = self._endpoints.models(endpoint_id)
        listing = self._endpoints.model_listing(endpoint_id)
        current = self._selection(endpoint_id, models, listing, wanted)
        note = _LISTING_NOTES.get(listing)
        self.models_listed.emit(models, current, _(note) if note else "")

    def _selection(
        self,
        endpoint_id: str,
        models: list[ModelInfo],
        listing: ModelListing,
        wanted: str | None,
    ) -> str | None:
        """The model to select: ``wanted`` or the remembered one where allowed, else
        the first current model.

        On an endpoint that lists its models, an id the list lacks is never kept
        (the built-in default, a model remembered from another server), except the
        open conversation's own. Where the table's list stands in, any id may be
        typed, so a wanted or remembered one stays.
        """
        ids = [m.id for m in models]
        listed = listing is ModelListing.LISTED
        kept = self._conversation_model if self._has_conversation() else None
        if wanted and (wanted in ids or not listed or wanted == kept):
            return wanted
        remembered = self._endpoints.remembered_model(endpoint_id)
        if remembered and (remembered in ids or not listed):
            return remembered
        current = [model_id for model_id in ids if not is_legacy(model_id)]
        return next(iter(current or ids), None)

    def _list_welcome_providers(self) -> None:
        """The welcome page offers the active endpoint: a pasted key is saved for it."""
        self.welcome_providers_listed.emit(
            [(p.id, p.name) for p in self._endpoints.profiles() if p.key_required],
            self._endpoints.active_id,
        )

    def choose_endpoint(self, endpoint_id: str) -> None:
        self._endpoints.set_active(endpoint_id)

    def choose_model(self, model: str, *, show: bool = False) -> None:
        """Remember the model picked for the active endpoint (``show``: also select it).

        While a conversation is open, the pick is its model from now on.
        """
        self._conversation_model = model
        if show:
            self.show_model(model)
        self._endpoints.remember_model(self._endpoints.active_id, model)

    def show_model(self, model: str | None) -> None:
        """Show the open conversation's own model among the active endpoint's.

        It stays selected, even when the endpoint does not list it, for as long
        as that conversation is open. ``None``: no conversation (or one without a
        model) is open, so the picker keeps only what the endpoint offers.
        """
        self._conversation_model = model
        self._list_models(self._endpoints.active_id, model or self._current_choice().model or None)

    def use_demo(self) -> None:
        self._endpoints.use_demo()

    def _on_endpoints_active_changed(self, endpoint_id: str) -> None:
        endpoints = self._endpoints
        self.endpoints_listed.emit([(p.id, p.name) for p in endpoints.profiles()], endpoint_id)
        # The picker still shows the previous endpoint's model: start from this one's.
        self._list_models(endpoint_id, endpoints.remembered_model(endpoint_id))
        self.balance_changed.emit(endpoints.balance(endpoint_id))
        self._list_welcome_providers()
        self.show_page()
        self.refresh_models_if_keyed()

    def _on_endpoints_balance_changed(self, endpoint_id: str, text: str) -> None:
        if endpoint_id == self._endpoints.active_id:
            self.balance_changed.emit(text)

    def _on_endpoints_models_changed(self, endpoint_id: str) -> None:
        if endpoint_id == self._endpoints.active_id:
            self._list_models(endpoint_id, self._current_choice().model or None)

    def _on_endpoints_models_failed(self, endpoint_id: str, text: str) -> None:
        self.status_message.emit(
            # TRANSLATORS: the model list could not be fetched; {error} says why.
            _("Models: {error}").format(error=text),
            8000,
        )
        if endpoint_id == self._endpoints.active_id:
            self._list_models(endpoint_id, self._current_choice().model or None)

    def refresh_models(self) -> asyncio.Future[None]:
        """Ask the active endpoint for its models again (its key read first, in a worker)."""
        self.want_keyring()
        return self._tasks.start(self._endpoints.refresh_models(self._endpoints.active_id))

    def refresh_models_if_keyed(self) -> None:
        """Fetch the active endpoint's models once its key is known to be there
        (quietly nothing without one: the welcome page asks for it); while the
        keyring is held, once it is wanted (the cached list stands in until then)."""
        self._ask_keyring("models", self._refresh_models_if_keyed)

    async def _refresh_models_if_keyed(self) -> None:
        endpoint_id = self._endpoints.active_id
        await self._endpoints.load_key(endpoint_id)
        if endpoint_id == self._endpoints.active_id and self._endpoints.key_known(endpoint_id):
            await self._endpoints.refresh_models(endpoint_id)

    def submit_key(self, endpoint_id: str, key: str) -> None:
        """The welcome page's pasted key: saved for that endpoint, which becomes active."""
        self.want_keyring()
        warning = self._endpoints.save_key(endpoint_id, key)
        self._endpoints.set_active(endpoint_id)
        self.show_page()
        if warning:
            self.notice_changed.emit(Notice(warning, error=False))
            self.welcome_message.emit(warning)
        self.refresh_models()

    # -- the page ----------------------------------------------------------------

    def show_page(self) -> None:
        """The welcome page while the active endpoint lacks a key, else the chat.

        An open conversation is always shown, key or not: its history can be
        read (and its endpoint switched) without one; sending says what is missing.

        When only the keyring can tell, it is asked off the GUI thread (it may be
        slow, or locked and asking the user to unlock it) and the page is a guess
        until it answers: whether a key was saved for the endpoint when the app
        last knew (:meth:`EndpointService.key_expected`), so a returning user
        sees the chat and a first run the welcome, and the keyring can wait
        until it is wanted. Without that hint (settings from before the app kept
        it): the chat once the app has been set up, else the welcome, and the
        keyring is asked right after the first paint. A hint proved wrong (the
        keyring lost the key) is corrected when the answer arrives.
        """
        endpoint_id = self._endpoints.active_id
        has_key = self._endpoints.key_expected(endpoint_id)
        if self._endpoints.key_known(endpoint_id) is None:
            self._ask_keyring(
                ("key", endpoint_id),
                lambda: self._look_up_key(endpoint_id),
                page_waits=has_key is None,
            )
        self._set_page(not self._settings.first_run if has_key is None else has_key)

    async def _look_up_key(self, endpoint_id: str) -> None:
        await self._endpoints.load_key(endpoint_id)
        if endpoint_id == self._endpoints.active_id:
            self._set_page(bool(self._endpoints.key_known(endpoint_id)))

    def _set_page(self, has_key: bool) -> None:
        page = Page.CHAT if has_key or self._has_conversation() else Page.WELCOME
        self.page_changed.emit(page)
        if page is Page.WELCOME and self._page is not Page.WELCOME:
            # Once each time the page appears, not again when a guess is confirmed.
            self._ask_keyring("storage", self._describe_key_storage)
        self._page = page

    async def _describe_key_storage(self) -> None:
        """Tell the welcome page where a key would be kept (probing the keyring takes a while)."""
        status = await self._endpoints.probe_keyring()
        self.key_storage_described.emit(status.available, status.message)


async def _one_after_another(works: list[_Work]) -> None:
    """Run each piece of keyring work in turn; one that fails does not stop the rest."""
    for work in works:
        try:
            await work()
        except Exception:
            _log.exception("asking the keyring failed")
