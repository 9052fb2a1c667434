"""``ChatPresenter``: what the main window does, without the widgets.

The window builds widgets, forwards what a person does to this object, and
applies its signals to the widgets; every decision lives here, so it can be
tested with no window at all: which conversation is open, whether a draft can
be sent (a model, a key, a model that sees the images), sending, editing the
last prompt, regenerating and retrying, deleting with undo, and whether the
welcome page or the chat is shown.

The messages of the open conversation are kept here as they change, so the
window never reads the database again to learn what a signal already said.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, Signal

from kimi_desktop.domain import (
    Conversation,
    Draft,
    MessageAction,
    MessageStatus,
    ModelInfo,
    StoredMessage,
)
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.settings.store import SettingsStore

NO_MODEL = "Pick a model first, or type a model id."
NO_KEY = "No API key is set for this endpoint. Add one in Settings (Ctrl+,)."
EDITING = "Editing your last message — send to replace it, or Esc to cancel."


class Page(Enum):
    """What the window's right side shows."""

    CHAT = "chat"
    WELCOME = "welcome"


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The model picked in the top bar and its thinking switch (``None``: server default)."""

    model: str
    thinking: bool | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A line above the composer (empty text hides it), maybe with one button."""

    text: str = ""
    error: bool = True
    action: tuple[str, Callable[[], None]] | None = None


class ChatPresenter(QObject):
    """Owns the open conversation and every command the window offers.

    ``current_choice`` tells the model picked in the top bar; the presenter asks
    it when a command needs one (the top bar may hold a typed model id).

    Signals:
        conversation_opened(object conversation, list messages): ``None`` is a new chat.
        message_added(StoredMessage), message_changed(StoredMessage): in the open chat.
        messages_removed(list[int] message ids): from the open chat.
        reply_notice_changed(StoredMessage reply, str sentence): a waiting reply's notice.
        running_changed(bool): a reply streams in the open chat, or no longer.
        usage_changed(): the open chat's usage changed (see :meth:`messages`).
        notice_changed(Notice): the composer's notice line.
        composer_text_set(str): the composer's text is replaced (an edit starts or ends).
        draft_sent(): the draft was taken; the composer empties.
        page_changed(Page)
        key_storage_described(bool available, str sentence): for the welcome page.
        welcome_message(str): a sentence for the welcome page.
        endpoints_listed(list[(id, name)], str active)
        welcome_providers_listed(list[(id, name)], str active): endpoints that take a key.
        models_listed(list[ModelInfo], object current model id or None)
        balance_changed(str)
        title_changed(str): the window's title.
        system_prompt_changed(bool has_prompt)
        status_message(str sentence, int milliseconds)
        conversation_deleted(str sentence, object restore): offer ``restore()`` as Undo.
        settings_requested()
        image_preview_requested(bytes data, str name)
    """

    conversation_opened = Signal(object, list)
    message_added = Signal(object)
    message_changed = Signal(object)
    messages_removed = Signal(list)
    reply_notice_changed = Signal(object, str)
    running_changed = Signal(bool)
    usage_changed = Signal()
    notice_changed = Signal(object)
    composer_text_set = Signal(str)
    draft_sent = Signal()
    page_changed = Signal(object)
    key_storage_described = Signal(bool, str)
    welcome_message = Signal(str)
    endpoints_listed = Signal(list, str)
    welcome_providers_listed = Signal(list, str)
    models_listed = Signal(list, object)
    balance_changed = Signal(str)
    title_changed = Signal(str)
    system_prompt_changed = Signal(bool)
    status_message = Signal(str, int)
    conversation_deleted = Signal(str, object)
    settings_requested = Signal()
    image_preview_requested = Signal(bytes, str)

    def __init__(
        self,
        *,
        history: HistoryService,
        chat: ChatSession,
        endpoints: EndpointService,
        settings: SettingsStore,
        current_choice: Callable[[], ModelChoice],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._history = history
        self._chat = chat
        self._endpoints = endpoints
        self._settings = settings
        self._current_choice = current_choice
        self._conversation: Conversation | None = None
        self._messages: dict[int, StoredMessage] = {}  # the open chat's, in order
        self._editing = False
        self._draft_before_edit = ""
        self._background: set[asyncio.Future[None]] = set()
        self._wire()

    def _wire(self) -> None:
        chat, endpoints = self._chat, self._endpoints
        chat.message_added.connect(self._on_chat_message_added)
        chat.message_changed.connect(self._on_chat_message_changed)
        chat.messages_removed.connect(self._on_chat_messages_removed)
        chat.reply_running_changed.connect(self._on_chat_reply_running_changed)
        chat.retry_scheduled.connect(self._on_chat_retry_scheduled)
        chat.credits_changed.connect(self._on_chat_credits_changed)
        endpoints.endpoints_changed.connect(self.list_endpoints)
        endpoints.active_changed.connect(self._on_endpoints_active_changed)
        endpoints.models_changed.connect(self._on_endpoints_models_changed)
        endpoints.balance_changed.connect(self._on_endpoints_balance_changed)
        endpoints.models_failed.connect(
            lambda _, text: self.status_message.emit(f"Models: {text}", 8000)
        )

    # -- queries -----------------------------------------------------------------

    @property
    def conversation(self) -> Conversation | None:
        return self._conversation

    @property
    def editing(self) -> bool:
        return self._editing

    def messages(self) -> list[StoredMessage]:
        """The open conversation's messages as last announced (no database read)."""
        return list(self._messages.values())

    def items_endpoint(self) -> str:
        """The endpoint whose prices cost the open conversation's messages."""
        conversation = self._conversation
        return (conversation.endpoint_id if conversation else None) or self._endpoints.active_id

    def is_running(self) -> bool:
        return self._conversation is not None and self._chat.is_running(self._conversation.id)

    def image_bytes(self, sha256: str) -> bytes | None:
        return self._history.image_bytes(sha256)

    # -- conversations -----------------------------------------------------------

    def open(self, conversation_id: int | None) -> None:
        """Show a conversation (``None``: a fresh, not yet saved chat)."""
        conversation = self._history.conversation(conversation_id) if conversation_id else None
        self._conversation = conversation
        self._editing = False
        messages = self._history.messages(conversation.id) if conversation else []
        self._messages = {m.id: self._with_live_text(m) for m in messages}
        self.title_changed.emit(
            f"{conversation.title} — Kimi Desktop"
            if conversation and conversation.title
            else "Kimi Desktop"
        )
        self.system_prompt_changed.emit(bool(conversation and conversation.system_prompt))
        self.conversation_opened.emit(conversation, self.messages())
        self.running_changed.emit(self.is_running())
        self.notice_changed.emit(Notice())
        if conversation is not None and conversation.endpoint_id:
            self._endpoints.set_active(conversation.endpoint_id)
            if conversation.model:
                self.models_listed.emit(
                    self._endpoints.models(self._endpoints.active_id), conversation.model
                )
        self.usage_changed.emit()
        self.show_page()

    def _with_live_text(self, message: StoredMessage) -> StoredMessage:
        """A streaming reply as far as it has arrived (its saved row lags behind)."""
        streaming = message.status is MessageStatus.STREAMING
        live = self._chat.live_text(message.id) if streaming else None
        return message if live is None else replace(message, text=live[0], reasoning=live[1])

    def set_system_prompt(self, text: str) -> None:
        """Set the instructions the model gets before this conversation (saving a new chat)."""
        text = text.strip()
        current = self._conversation.system_prompt if self._conversation else ""
        if text == current.strip():
            return
        if self._conversation is None:
            self._conversation = self._create(self._current_choice().model or None)
        self._history.set_system_prompt(self._conversation.id, text)
        self._conversation = self._history.conversation(self._conversation.id)
        self.system_prompt_changed.emit(bool(text))

    def system_prompt(self) -> str:
        return self._conversation.system_prompt if self._conversation else ""

    def delete(self, conversation_id: int) -> None:
        """Delete a conversation; ``conversation_deleted`` offers the undo."""
        if self._chat.is_running(conversation_id):
            self._chat.stop(conversation_id)
        deleted = self._history.conversation(conversation_id)
        self._history.delete(conversation_id)
        if self._conversation is not None and self._conversation.id == conversation_id:
            self.open(None)

        def restore() -> None:
            self._history.restore(conversation_id)
            self.status_message.emit("Conversation restored.", 2500)

        title = deleted.title if deleted is not None and deleted.title else "Conversation"
        self.conversation_deleted.emit(f"“{title}” deleted.", restore)

    def _create(self, model: str | None) -> Conversation:
        conversation = self._history.create(endpoint_id=self._endpoints.active_id, model=model)
        self._messages = {}
        return conversation

    # -- sending -----------------------------------------------------------------

    def submit(self, draft: Draft) -> None:
        """Send the draft (or, while editing, replace the last prompt with it)."""
        text = draft.text.strip()
        if not text and not draft.attachments:
            return
        endpoint_id = self._endpoints.active_id
        choice = self._current_choice()
        if not choice.model:
            self.notice_changed.emit(Notice(NO_MODEL))
            return
        if draft.attachments and not self._model_sees_images(choice.model):
            return
        if self._endpoints.needs_key(endpoint_id):
            self.notice_changed.emit(Notice(NO_KEY))
            return
        if self._conversation is None:
            self._conversation = self._create(choice.model)
            self.conversation_opened.emit(self._conversation, [])
        conversation_id = self._conversation.id
        if self._chat.is_running(conversation_id):
            return
        self.notice_changed.emit(Notice())
        if self._editing:
            self._editing = False
            self._chat.edit_last_prompt(
                conversation_id,
                text,
                endpoint_id=endpoint_id,
                model=choice.model,
                thinking=choice.thinking,
                added=draft.attachments,
            )
        else:
            self._chat.send(
                conversation_id,
                text,
                endpoint_id=endpoint_id,
                model=choice.model,
                thinking=choice.thinking,
                attachments=draft.attachments,
            )
        self.draft_sent.emit()
        self._endpoints.remember_model(endpoint_id, choice.model)

    def _model_sees_images(self, model: str) -> bool:
        """Say so before sending when the model is known to be blind, and offer one that sees."""
        endpoint_id = self._endpoints.active_id
        if self._endpoints.sees_images(endpoint_id, model):
            return True
        models = self._endpoints.models(endpoint_id)
        seeing = next((m.id for m in models if m.supports_images), None)
        if seeing is None:
            self.notice_changed.emit(
                Notice(
                    f"“{model}” cannot see images, and this endpoint lists no model that can. "
                    "Remove the images or switch endpoints."
                )
            )
        else:
            self.notice_changed.emit(
                Notice(
                    f"“{model}” cannot see images. Switch to {seeing}, which can?",
                    action=(f"Use {seeing}", lambda: self.choose_model(seeing, show=True)),
                )
            )
        return False

    def act(self, action: MessageAction, message_id: int, draft_text: str = "") -> None:
        """Carry out a message's button; ``draft_text`` is the composer's text (kept
        aside while an edit replaces it)."""
        if action is MessageAction.SETTINGS:
            self.settings_requested.emit()
            return
        if action is MessageAction.COPY:  # the view has put the text on the clipboard
            self.status_message.emit("Message copied to the clipboard", 2500)
            return
        conversation = self._conversation
        message = self._messages.get(message_id)
        if conversation is None:
            return
        if action is MessageAction.DELETE:
            self._chat.delete_message(conversation.id, message_id)
        elif action is MessageAction.EDIT and message is not None:
            if not self._editing:
                self._draft_before_edit = draft_text
            self._editing = True
            self.composer_text_set.emit(message.text)
            self.notice_changed.emit(
                Notice(EDITING, error=False, action=("Cancel", self.cancel_edit))
            )
        elif action in (MessageAction.REGENERATE, MessageAction.RETRY):
            choice = self._current_choice()
            self._chat.regenerate(
                conversation.id,
                endpoint_id=self._endpoints.active_id,
                model=choice.model,
                thinking=choice.thinking,
            )

    def cancel_edit(self) -> None:
        """Leave edit mode; the draft typed before it comes back."""
        if not self._editing:
            return
        self._editing = False
        self.composer_text_set.emit(self._draft_before_edit)
        self.notice_changed.emit(Notice())

    def stop(self) -> None:
        if self._conversation is not None:
            self._chat.stop(self._conversation.id)

    def escape(self) -> None:
        """Esc undoes the nearest thing: a reply streaming, else an edit."""
        if self.is_running():
            self.stop()
        else:
            self.cancel_edit()

    def preview_image(self, sha256: str) -> None:
        data = self._history.image_bytes(sha256)
        if data is not None:
            self.image_preview_requested.emit(data, "Image")

    # -- what the chat session reports -------------------------------------------

    def _is_shown(self, conversation_id: int) -> bool:
        return self._conversation is not None and self._conversation.id == conversation_id

    def _on_chat_message_added(self, message: StoredMessage) -> None:
        if self._is_shown(message.conversation_id):
            self._messages[message.id] = message
            self.message_added.emit(message)

    def _on_chat_message_changed(self, message: StoredMessage) -> None:
        if self._is_shown(message.conversation_id):
            self._messages[message.id] = message
            self.message_changed.emit(message)
            self.usage_changed.emit()

    def _on_chat_messages_removed(self, conversation_id: int, message_ids: list[int]) -> None:
        if self._is_shown(conversation_id):
            for message_id in message_ids:
                self._messages.pop(message_id, None)
            self.messages_removed.emit(message_ids)
            self.usage_changed.emit()

    def _on_chat_reply_running_changed(self, conversation_id: int, running: bool) -> None:
        if self._is_shown(conversation_id):
            self.running_changed.emit(running)

    def _on_chat_retry_scheduled(self, reply: StoredMessage, sentence: str) -> None:
        """Say in the waiting reply itself when it will be asked again."""
        if self._is_shown(reply.conversation_id) and reply.id in self._messages:
            self.reply_notice_changed.emit(self._messages[reply.id], sentence)

    def _on_chat_credits_changed(self, endpoint_id: str, credits: float) -> None:
        if endpoint_id == self._endpoints.active_id:
            self.balance_changed.emit(f"{credits:,.0f} credits left")

    # -- endpoints and models ----------------------------------------------------

    def list_endpoints(self) -> None:
        """Announce the endpoints, the welcome page's providers and the active one's models."""
        endpoints = self._endpoints
        profiles = endpoints.profiles()
        self.endpoints_listed.emit([(p.id, p.name) for p in profiles], endpoints.active_id)
        self._list_welcome_providers()
        current = self._current_choice().model if self._conversation else None
        remembered = current or endpoints.remembered_model(endpoints.active_id)
        models = endpoints.models(endpoints.active_id)
        self.models_listed.emit(models, remembered or (models[0].id if models else None))
        self.balance_changed.emit(endpoints.balance(endpoints.active_id))

    def _list_welcome_providers(self) -> None:
        """The welcome page offers the active endpoint: a pasted key is saved for it."""
        self.welcome_providers_listed.emit(
            [(p.id, p.name) for p in self._endpoints.profiles() if p.key_required],
            self._endpoints.active_id,
        )

    def choose_endpoint(self, endpoint_id: str) -> None:
        self._endpoints.set_active(endpoint_id)

    def choose_model(self, model: str, *, show: bool = False) -> None:
        """Remember the model picked for the active endpoint (``show``: also select it)."""
        if show:
            self.models_listed.emit(self._endpoints.models(self._endpoints.active_id), model)
        self._endpoints.remember_model(self._endpoints.active_id, model)

    def use_demo(self) -> None:
        self._endpoints.use_demo()

    def _on_endpoints_active_changed(self, endpoint_id: str) -> None:
        endpoints = self._endpoints
        self.endpoints_listed.emit([(p.id, p.name) for p in endpoints.profiles()], endpoint_id)
        self.models_listed.emit(
            endpoints.models(endpoint_id), endpoints.remembered_model(endpoint_id)
        )
        self.balance_changed.emit(endpoints.balance(endpoint_id))
        self._list_welcome_providers()
        self.show_page()
        self.refresh_models_if_keyed()

    def _on_endpoints_balance_changed(self, endpoint_id: str, text: str) -> None:
        if endpoint_id == self._endpoints.active_id:
            self.balance_changed.emit(text)

    def _on_endpoints_models_changed(self, endpoint_id: str) -> None:
        if endpoint_id == self._endpoints.active_id:
            models: list[ModelInfo] = self._endpoints.models(endpoint_id)
            self.models_listed.emit(models, self._current_choice().model or None)

    def refresh_models(self) -> asyncio.Future[None]:
        """Ask the active endpoint for its models again."""
        return self.track(self._endpoints.refresh_models(self._endpoints.active_id))

    def refresh_models_if_keyed(self) -> asyncio.Future[None]:
        """Fetch the active endpoint's models once its key is known to be there
        (quietly nothing without one: the welcome page asks for it)."""
        return self.track(self._refresh_models_if_keyed())

    async def _refresh_models_if_keyed(self) -> None:
        endpoint_id = self._endpoints.active_id
        await self._endpoints.load_key(endpoint_id)
        if endpoint_id == self._endpoints.active_id and self._endpoints.key_known(endpoint_id):
            await self._endpoints.refresh_models(endpoint_id)

    def submit_key(self, endpoint_id: str, key: str) -> None:
        """The welcome page's pasted key: saved for that endpoint, which becomes active."""
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
        until it answers: the chat once the app has been set up, else the welcome.
        """
        endpoint_id = self._endpoints.active_id
        has_key = self._endpoints.key_known(endpoint_id)
        if has_key is None:
            self.track(self._look_up_key(endpoint_id))
        self._set_page(not self._settings.first_run if has_key is None else has_key)

    async def _look_up_key(self, endpoint_id: str) -> None:
        await self._endpoints.load_key(endpoint_id)
        if endpoint_id == self._endpoints.active_id:
            self._set_page(bool(self._endpoints.key_known(endpoint_id)))

    def _set_page(self, has_key: bool) -> None:
        if has_key or self._conversation is not None:
            self.page_changed.emit(Page.CHAT)
        else:
            self.page_changed.emit(Page.WELCOME)
            self.track(self._describe_key_storage())

    async def _describe_key_storage(self) -> None:
        """Tell the welcome page where a key would be kept (probing the keyring takes a while)."""
        status = await self._endpoints.probe_keyring()
        self.key_storage_described.emit(status.available, status.message)

    # -- background work ---------------------------------------------------------

    def track(self, work: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        """Run ``work`` in the background until :meth:`close`: resuming into a
        closed window would touch deleted widgets."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def close(self) -> list[asyncio.Future[None]]:
        """Cancel the background work (the window is closing); returns the tasks
        cancelled, for a caller that can wait until they have unwound."""
        tasks = list(self._background)
        for task in tasks:
            task.cancel()
        return tasks
