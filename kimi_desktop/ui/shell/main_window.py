"""The main window: sidebar of conversations, the chat, the composer, the top bar."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from kimi_desktop.domain import Conversation, MessageStatus, StoredMessage
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.settings.known_models import known_model
from kimi_desktop.settings.store import SettingsStore
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_items import MessageItemFactory
from kimi_desktop.ui.chat.view import ChatView
from kimi_desktop.ui.composer.attachment_tray import mime_has_images, sources_from_mime
from kimi_desktop.ui.composer.image_preview import DropOverlay, ImagePreviewDialog
from kimi_desktop.ui.composer.panel import ComposerPanel
from kimi_desktop.ui.shell.top_bar import TopBar
from kimi_desktop.ui.shell.undo_offer import UNDO_MS, UndoOffer
from kimi_desktop.ui.shell.welcome import WelcomePage
from kimi_desktop.ui.sidebar.panel import Sidebar

_SEARCH_DELAY_MS = 150
MESSAGE_THUMB_SIDE = 160


class MainWindow(QMainWindow):
    """Composes the widgets and routes between them and the services.

    Signals:
        settings_requested(): the app opens the settings dialog.
        desktop_theme_changed(): the desktop switched between light and dark
            (relayed from Qt's style hints, so it ends with the window).
    """

    settings_requested = Signal()
    desktop_theme_changed = Signal()

    def __init__(
        self,
        *,
        history: HistoryService,
        chat: ChatSession,
        endpoints: EndpointService,
        settings: SettingsStore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Kimi Desktop")
        self.resize(1180, 780)
        self._history = history
        self._chat = chat
        self._endpoints = endpoints
        self._settings = settings
        self._conversation: Conversation | None = None
        self._items = MessageItemFactory(history, endpoints)
        self._editing = False
        self._draft_before_edit = ""
        self._background: set[asyncio.Future[None]] = set()  # cancelled when the window closes
        self._build()
        self._wire()
        self.apply_preferences()
        self._refresh_endpoints()
        self.sidebar.refresh()
        self._show_page()
        self.composer.edit.setFocus()  # typing right after start goes to the message

    # -- construction ------------------------------------------------------------

    def _build(self) -> None:
        self.sidebar = Sidebar(self._history, self)
        # The window's parts by their documented object names, for tests and tools.
        self.search = self.sidebar.search
        self.conversation_model = self.sidebar.model
        self.conversation_list = self.sidebar.list

        self.top_bar = TopBar(self)
        self.chat_view = ChatView(self)
        self.composer = ComposerPanel(self)
        self.chat_page = chat_page = QWidget(self)
        column = QVBoxLayout(chat_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.top_bar)
        column.addWidget(self.chat_view, 1)
        column.addWidget(self.composer)
        self.welcome = WelcomePage(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(chat_page)
        self.pages.addWidget(self.welcome)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 920])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.setAcceptDrops(True)
        self.drop_overlay = DropOverlay(self)
        self.statusBar().setSizeGripEnabled(False)
        self.undo_offer = UndoOffer(self)
        self.statusBar().addPermanentWidget(self.undo_offer)

    def _wire(self) -> None:
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.conversation_chosen.connect(self.open_conversation)
        self.sidebar.delete_requested.connect(self._delete)

        self.composer.send_requested.connect(self._on_composer_send_requested)
        self.composer.attach_requested.connect(self._on_composer_attach_requested)
        self.composer.tray.preview_requested.connect(
            lambda image: self._preview(image.data, image.name)
        )
        self.composer.stop_requested.connect(self.stop)
        self.top_bar.endpoint_chosen.connect(self._endpoints.set_active)
        self.top_bar.model_chosen.connect(self._on_top_bar_model_chosen)
        self.top_bar.refresh_models_requested.connect(self.refresh_models)
        self.top_bar.settings_requested.connect(self.settings_requested)
        self.top_bar.system_prompt_requested.connect(self.edit_system_prompt)
        self.welcome.key_submitted.connect(self._on_welcome_key_submitted)
        self.welcome.demo_requested.connect(self._endpoints.use_demo)
        self.welcome.settings_requested.connect(self.settings_requested)

        self.chat_view.link_activated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.chat_view.action_requested.connect(self._on_chat_view_action_requested)
        self.chat_view.code_copied.connect(
            lambda _: self.statusBar().showMessage("Code copied to the clipboard", 2500)
        )

        self._chat.message_added.connect(self._on_chat_message_added)
        self._chat.message_changed.connect(self._on_chat_message_changed)
        self._chat.messages_removed.connect(self._on_chat_messages_removed)
        self._chat.reasoning_received.connect(self._on_chat_reasoning_received)
        self._chat.content_received.connect(self._on_chat_content_received)
        self._chat.reply_running_changed.connect(self._on_chat_reply_running_changed)
        self._chat.retry_scheduled.connect(self._on_chat_retry_scheduled)
        self._chat.conversation_changed.connect(lambda _: self.sidebar.refresh())
        self._chat.credits_changed.connect(self._on_chat_credits_changed)
        self._endpoints.endpoints_changed.connect(self._refresh_endpoints)
        self._endpoints.active_changed.connect(self._on_endpoints_active_changed)
        self._endpoints.models_changed.connect(self._on_endpoints_models_changed)
        self._endpoints.balance_changed.connect(self._on_endpoints_balance_changed)
        self._endpoints.models_failed.connect(
            lambda _, text: self.statusBar().showMessage(f"Models: {text}", 8000)
        )

        for keys, slot in (
            ("Ctrl+N", self.new_conversation),
            ("Ctrl+K", self.sidebar.focus_search),
            ("Ctrl+F", self.sidebar.focus_search),
            ("Ctrl+,", self.settings_requested.emit),
            ("Esc", self._on_escape),
            ("Ctrl+Q", self.close),  # the reply in progress is kept, marked stopped
        ):
            QShortcut(QKeySequence(keys), self, slot)

    # -- public ------------------------------------------------------------------

    def apply_preferences(self) -> None:
        """Apply theme-independent preferences (called again when they change)."""
        prefs = self._settings.preferences
        self.composer.edit.set_enter_sends(prefs.send_shortcut == "enter")
        self.chat_view.set_reasoning_expanded_default(prefs.reasoning_expanded)
        self.chat_view.set_font_point_size(prefs.font_size)

    def set_dark(self, dark: bool) -> None:
        self.chat_view.set_dark(dark)

    def open_conversation(self, conversation_id: int | None) -> None:
        """Show a conversation (``None``: a fresh, not yet saved chat)."""
        conversation = self._history.conversation(conversation_id) if conversation_id else None
        self._conversation = conversation
        self._editing = False
        self.sidebar.set_current(conversation.id if conversation else None)
        self.top_bar.set_has_system_prompt(bool(conversation and conversation.system_prompt))
        self.setWindowTitle(
            f"{conversation.title} — Kimi Desktop"
            if conversation and conversation.title
            else "Kimi Desktop"
        )
        messages = self._history.messages(conversation.id) if conversation else []
        messages = [self._with_live_text(m) for m in messages]
        self.chat_view.set_messages([self._item(m, decode=False) for m in messages])
        missing = self._items.missing_thumbnails(messages)
        if conversation is not None and missing:
            self._track(self._show_thumbnails(conversation.id, missing))
        running = conversation is not None and self._chat.is_running(conversation.id)
        self.composer.set_running(running)
        self.composer.show_notice("")
        if conversation is not None and conversation.endpoint_id:
            self._endpoints.set_active(conversation.endpoint_id)
            if conversation.model:
                self.top_bar.set_models(
                    self._endpoints.models(self._endpoints.active_id), conversation.model
                )
        self._update_usage()
        self._show_page()
        self.composer.edit.setFocus()

    def _with_live_text(self, message: StoredMessage) -> StoredMessage:
        """A streaming reply as far as it has arrived (its saved row lags behind)."""
        streaming = message.status is MessageStatus.STREAMING
        live = self._chat.live_text(message.id) if streaming else None
        return message if live is None else replace(message, text=live[0], reasoning=live[1])

    def edit_system_prompt(self) -> None:
        """Set the instructions the model gets before this conversation."""
        current = self._conversation.system_prompt if self._conversation else ""
        text, ok = QInputDialog.getMultiLineText(
            self,
            "Conversation instructions",
            "System prompt for this conversation (empty for none):",
            current,
        )
        if not ok or text.strip() == current.strip():
            return
        if self._conversation is None:
            self._conversation = self._history.create(
                endpoint_id=self._endpoints.active_id, model=self.top_bar.current_model() or None
            )
            self.sidebar.set_current(self._conversation.id)
        self._history.set_system_prompt(self._conversation.id, text.strip())
        self._conversation = self._history.conversation(self._conversation.id)
        self.top_bar.set_has_system_prompt(bool(text.strip()))

    def new_conversation(self) -> None:
        self.open_conversation(None)

    def stop(self) -> None:
        if self._conversation is not None:
            self._chat.stop(self._conversation.id)

    def _on_escape(self) -> None:
        """Esc undoes the nearest thing: a search being typed, a reply, an edit."""
        if self.search.hasFocus() and self.search.text():
            self.search.clear()
        elif self._conversation is not None and self._chat.is_running(self._conversation.id):
            self.stop()
        elif self._editing:
            self._cancel_edit()

    def _cancel_edit(self) -> None:
        """Leave edit mode; the draft typed before it comes back."""
        self._editing = False
        self.composer.set_text(self._draft_before_edit)
        self.composer.show_notice("")

    # -- conversations -----------------------------------------------------------

    def _delete(self, conversation_id: int) -> None:
        if self._chat.is_running(conversation_id):
            self._chat.stop(conversation_id)
        deleted = self._history.conversation(conversation_id)
        self._history.delete(conversation_id)
        if self._conversation is not None and self._conversation.id == conversation_id:
            self.open_conversation(None)

        def restore() -> None:
            self._history.restore(conversation_id)
            self.statusBar().showMessage("Conversation restored.", 2500)

        title = deleted.title if deleted is not None and deleted.title else "Conversation"
        self.statusBar().showMessage(f"“{title}” deleted.", UNDO_MS)
        self.undo_offer.offer(restore)

    # -- sending -----------------------------------------------------------------

    def _on_composer_send_requested(self, text: str) -> None:
        text = text.strip()
        tray = self.composer.tray
        if not text and not tray.images():
            return  # (the composer holds sends back while images are being prepared)
        endpoint_id = self._endpoints.active_id
        model = self.top_bar.current_model()
        if not model:
            self.composer.show_notice("Pick a model first, or type a model id.")
            return
        if tray.images() and not self._model_sees_images(model):
            return
        if self._endpoints.needs_key(endpoint_id):
            self.composer.show_notice(
                "No API key is set for this endpoint. Add one in Settings (Ctrl+,)."
            )
            return
        if self._conversation is None:
            created = self._history.create(endpoint_id=endpoint_id, model=model)
            self._conversation = created
            self.chat_view.set_messages([])
        conversation_id = self._conversation.id
        if self._chat.is_running(conversation_id):
            return
        self.composer.show_notice("")
        thinking = self.top_bar.thinking()
        if self._editing:
            self._editing = False
            self._chat.edit_last_prompt(
                conversation_id,
                text,
                endpoint_id=endpoint_id,
                model=model,
                thinking=thinking,
                added=tray.new_attachments(),
            )
        else:
            self._chat.send(
                conversation_id,
                text,
                endpoint_id=endpoint_id,
                model=model,
                thinking=thinking,
                attachments=tray.new_attachments(),
            )
        self.composer.clear()
        tray.clear()
        self._endpoints.remember_model(endpoint_id, model)
        self.sidebar.set_current(conversation_id)

    def _model_sees_images(self, model: str) -> bool:
        """Say so before sending when the model is known to be blind, and offer one that sees."""
        info = self.top_bar.model_info(model) or known_model(model)
        if info is None or info.supports_images is not False:
            return True
        seeing = next(
            (m.id for m in self._endpoints.models(self._endpoints.active_id) if m.supports_images),
            None,
        )
        if seeing is None:
            self.composer.show_notice(
                f"“{model}” cannot see images, and this endpoint lists no model that can. "
                "Remove the images or switch endpoints."
            )
        else:
            self.composer.show_notice(
                f"“{model}” cannot see images. Switch to {seeing}, which can?",
                action=(f"Use {seeing}", lambda: self._switch_model(seeing)),
            )
        return False

    def _switch_model(self, model: str) -> None:
        self.top_bar.set_models(self._endpoints.models(self._endpoints.active_id), model)
        self._endpoints.remember_model(self._endpoints.active_id, model)

    def attach_paths(self, paths: list[str]) -> None:
        """Attach files given on the command line or by a second launch."""
        if paths:
            self.composer.attach(list(paths))

    def _on_composer_attach_requested(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Attach images",
            "",
            "Images (*.png *.jpg *.jpeg *.webp *.gif);;All files (*)",
        )
        self.attach_paths(files)

    def _preview(self, data: bytes, name: str) -> None:
        ImagePreviewDialog(data, name or "Image", self).open()

    # -- drag and drop -----------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if mime_has_images(event.mimeData()) and self.pages.currentWidget() is self.chat_page:
            event.acceptProposedAction()
            self.drop_overlay.show_over(self.chat_view)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_overlay.hide()
        sources = sources_from_mime(event.mimeData())
        if sources:
            event.acceptProposedAction()
            self.composer.attach(sources)

    def _on_chat_view_action_requested(self, action: str, message_id: int) -> None:
        if action.startswith("preview:"):
            sha256 = action.partition(":")[2]
            data = self._history.image_bytes(sha256)
            if data is not None:
                self._preview(data, "Image")
            return
        if self._conversation is None:
            return
        conversation_id = self._conversation.id
        endpoint_id = self._endpoints.active_id
        model = self.top_bar.current_model()
        thinking = self.top_bar.thinking()
        message = next(
            (m for m in self._history.messages(conversation_id) if m.id == message_id), None
        )
        if action == "copy":  # the view has put the text on the clipboard
            self.statusBar().showMessage("Message copied to the clipboard", 2500)
        elif action == "delete":
            self._chat.delete_message(conversation_id, message_id)
        elif action == "edit" and message is not None:
            if not self._editing:
                self._draft_before_edit = self.composer.text()
            self._editing = True
            self.composer.set_text(message.text)
            self.composer.show_notice(
                "Editing your last message — send to replace it, or Esc to cancel.",
                error=False,
                action=("Cancel", self._cancel_edit),
            )
            self.composer.edit.setFocus()
        elif action in ("regenerate", "retry"):
            self._chat.regenerate(
                conversation_id, endpoint_id=endpoint_id, model=model, thinking=thinking
            )
        elif action == "settings":
            self.settings_requested.emit()

    # -- chat session signals ----------------------------------------------------

    def _is_shown(self, conversation_id: int) -> bool:
        return self._conversation is not None and self._conversation.id == conversation_id

    def _item(self, message: StoredMessage, *, decode: bool = True) -> MessageItem:
        endpoint_id = self._conversation.endpoint_id if self._conversation else None
        return self._items.item(message, endpoint_id or self._endpoints.active_id, decode=decode)

    @asyncSlot(int, list)
    async def _show_thumbnails(self, conversation_id: int, hashes: list[str]) -> None:
        """Decode an opened conversation's thumbnails off the GUI thread, then show them."""
        await self._items.decode_thumbnails(hashes)
        if not self._is_shown(conversation_id):
            return
        shown = set(self.chat_view.message_ids())
        for message in self._history.messages(conversation_id):
            if message.attachments and message.id in shown:
                self.chat_view.update_message(self._item(message))

    def _on_chat_message_added(self, message: StoredMessage) -> None:
        if self._is_shown(message.conversation_id):
            self.chat_view.append_message(self._item(message))

    def _on_chat_message_changed(self, message: StoredMessage) -> None:
        if self._is_shown(message.conversation_id):
            self.chat_view.update_message(self._item(message))
            self._update_usage()

    def _on_chat_messages_removed(self, conversation_id: int, message_ids: list[int]) -> None:
        if self._is_shown(conversation_id):
            for message_id in message_ids:
                self.chat_view.remove_message(message_id)
            self._update_usage()

    def _on_chat_reasoning_received(self, message_id: int, text: str) -> None:
        self.chat_view.append_reasoning(message_id, text)  # ignores messages not shown

    def _on_chat_content_received(self, message_id: int, text: str) -> None:
        self.chat_view.append_content(message_id, text)

    def _on_chat_reply_running_changed(self, conversation_id: int, running: bool) -> None:
        if self._is_shown(conversation_id):
            self.composer.set_running(running)
            if not running:
                self.statusBar().clearMessage()

    def _on_chat_retry_scheduled(self, conversation_id: int, text: str) -> None:
        """Say in the waiting reply itself when it will be asked again."""
        if not self._is_shown(conversation_id):
            return
        reply = self._history.messages(conversation_id)[-1:]
        if reply and reply[0].status is MessageStatus.STREAMING:
            self.chat_view.update_message(replace(self._item(reply[0]), notice=text))

    def _on_chat_credits_changed(self, endpoint_id: str, credits: float) -> None:
        if endpoint_id == self._endpoints.active_id:
            self.top_bar.set_balance(f"{credits:,.0f} credits left")

    def _update_usage(self) -> None:
        conversation = self._conversation
        self.top_bar.usage_label.setText(
            self._items.conversation_summary(
                conversation.id, conversation.endpoint_id or self._endpoints.active_id
            )
            if conversation
            else ""
        )

    # -- endpoints and models ----------------------------------------------------

    def _refresh_endpoints(self) -> None:
        profiles = self._endpoints.profiles()
        self.top_bar.set_endpoints([(p.id, p.name) for p in profiles], self._endpoints.active_id)
        self._show_welcome_providers()
        self._show_models()

    def _show_welcome_providers(self) -> None:
        """The welcome page offers the active endpoint: a pasted key is saved for it."""
        self.welcome.set_providers(
            [(p.id, p.name) for p in self._endpoints.profiles() if p.key_required],
            self._endpoints.active_id,
        )

    def _show_models(self) -> None:
        endpoint_id = self._endpoints.active_id
        current = self.top_bar.current_model() if self._conversation else None
        remembered = current or self._endpoints.remembered_model(endpoint_id)
        models = self._endpoints.models(endpoint_id)
        self.top_bar.set_models(models, remembered or (models[0].id if models else None))
        self.top_bar.set_balance(self._endpoints.balance(endpoint_id))

    def _on_endpoints_active_changed(self, endpoint_id: str) -> None:
        self.top_bar.set_endpoints(
            [(p.id, p.name) for p in self._endpoints.profiles()], endpoint_id
        )
        self.top_bar.set_models(
            self._endpoints.models(endpoint_id), self._endpoints.remembered_model(endpoint_id)
        )
        self.top_bar.set_balance(self._endpoints.balance(endpoint_id))
        self._show_welcome_providers()
        self._show_page()
        self.refresh_models_if_keyed()

    def _on_endpoints_balance_changed(self, endpoint_id: str, text: str) -> None:
        if endpoint_id == self._endpoints.active_id:
            self.top_bar.set_balance(text)

    def _on_endpoints_models_changed(self, endpoint_id: str) -> None:
        if endpoint_id == self._endpoints.active_id:
            self.top_bar.set_models(
                self._endpoints.models(endpoint_id), self.top_bar.current_model() or None
            )

    def _on_top_bar_model_chosen(self, model: str) -> None:
        self._endpoints.remember_model(self._endpoints.active_id, model)

    @asyncSlot()
    async def refresh_models(self) -> None:
        await self._endpoints.refresh_models(self._endpoints.active_id)

    def refresh_models_if_keyed(self) -> None:
        """Fetch the active endpoint's models once its key is known to be there
        (quietly nothing without one: the welcome page asks for it)."""
        self._track(self._refresh_models_if_keyed())

    @asyncSlot()
    async def _refresh_models_if_keyed(self) -> None:
        endpoint_id = self._endpoints.active_id
        await self._endpoints.load_key(endpoint_id)
        if endpoint_id == self._endpoints.active_id and self._endpoints.key_known(endpoint_id):
            await self._endpoints.refresh_models(endpoint_id)

    def _on_welcome_key_submitted(self, endpoint_id: str, key: str) -> None:
        warning = self._endpoints.save_key(endpoint_id, key)
        self._endpoints.set_active(endpoint_id)
        self._show_page()
        if warning:
            self.composer.show_notice(warning, error=False)
            self.welcome.show_message(warning)
        self.refresh_models()

    def _show_page(self) -> None:
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
            self._track(self._look_up_key(endpoint_id))
        self._set_page(not self._settings.first_run if has_key is None else has_key)

    @asyncSlot(str)
    async def _look_up_key(self, endpoint_id: str) -> None:
        await self._endpoints.load_key(endpoint_id)
        if endpoint_id == self._endpoints.active_id:
            self._set_page(bool(self._endpoints.key_known(endpoint_id)))

    def _set_page(self, has_key: bool) -> None:
        if has_key or self._conversation is not None:
            if self.pages.currentWidget() is self.welcome:
                self.composer.edit.setFocus()  # the welcome's focused button just vanished
            self.pages.setCurrentWidget(self.chat_page)
        else:
            self.pages.setCurrentWidget(self.welcome)
            self._track(self._describe_key_storage())

    def _track(self, task: asyncio.Future[None]) -> None:
        """Keep a background task (the keyring, thumbnails), to cancel it if the window
        closes first: it would otherwise resume into deleted widgets."""
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @asyncSlot()
    async def _describe_key_storage(self) -> None:
        """Tell the welcome page where a key would be kept (probing the keyring takes a while)."""
        status = await self._endpoints.probe_keyring()
        self.welcome.set_key_storage(status.available, status.message)

    def show_welcome(self) -> None:
        self.pages.setCurrentWidget(self.welcome)

    # -- window state ------------------------------------------------------------

    def restore_geometry(self) -> None:
        saved = self._settings.state.window_geometry
        if isinstance(saved, str) and saved:
            self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))

    def closeEvent(self, event: QCloseEvent) -> None:
        for task in list(self._background):
            task.cancel()
        self.sidebar.cancel_pending_search()
        geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self._settings.set_window_geometry(geometry)
        super().closeEvent(event)
