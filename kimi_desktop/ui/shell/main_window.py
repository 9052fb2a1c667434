"""The main window: sidebar of conversations, the chat, the composer, the top bar.

The window builds and lays out the widgets and translates between them and
:class:`~kimi_desktop.services.presenter.ChatPresenter`, which decides
everything: it forwards what a person does and applies what the presenter says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.documents.kinds import TEXT_EXTENSIONS, TEXT_FILE_NAMES
from kimi_desktop.domain import Conversation, Message, MessageAction, StoredMessage
from kimi_desktop.i18n import _
from kimi_desktop.services.assistants import AssistantService
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice, Notice, Page
from kimi_desktop.services.draft_documents import DraftDocuments
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.presenter import ChatPresenter, ConversationSettings
from kimi_desktop.services.request_history import build_history
from kimi_desktop.services.token_meter import TokenMeter
from kimi_desktop.settings.known_models import effective_prices
from kimi_desktop.settings.store import SettingsStore
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.view import ChatView
from kimi_desktop.ui.composer.mime_sources import mime_has_attachments, sources_from_mime
from kimi_desktop.ui.composer.panel import ComposerPanel
from kimi_desktop.ui.shell.top_bar import TopBar
from kimi_desktop.ui.shell.undo_offer import UNDO_MS, UndoOffer
from kimi_desktop.ui.shell.welcome import WelcomePage
from kimi_desktop.ui.sidebar.panel import Sidebar

if TYPE_CHECKING:
    # Loaded on first use: a drag, a preview, a link, the settings dialog, a message.
    from kimi_desktop.ui.chat.conversation_settings import ConversationSettingsDialog
    from kimi_desktop.ui.chat.message_items import MessageItemFactory
    from kimi_desktop.ui.composer.image_preview import DropOverlay

#: The first window's size, made smaller where the screen is smaller.
DEFAULT_SIZE = QSize(1180, 780)

_IMAGE_PATTERNS = ("*.png", "*.jpg", "*.jpeg", "*.webp", "*.gif")


def attach_dialog_filters() -> str:
    """The attach dialog's file types: images and documents, images, documents, all files.

    Documents are the text, code and data files and PDFs read here, and the Word,
    Excel and PowerPoint files Moonshot's endpoints read.
    """
    documents = [f"*.{extension}" for extension in sorted(TEXT_EXTENSIONS)]
    documents += [*sorted(TEXT_FILE_NAMES), "*.pdf", "*.docx", "*.xlsx", "*.pptx"]
    images = " ".join(_IMAGE_PATTERNS)
    return ";;".join(
        (
            # TRANSLATORS: a file type in the attach dialog.
            _("Images and documents") + f" ({images} {' '.join(documents)})",
            # TRANSLATORS: a file type in the attach dialog.
            _("Images") + f" ({images})",
            # TRANSLATORS: a file type in the attach dialog.
            _("Documents") + f" ({' '.join(documents)})",
            _("All files") + " (*)",
        )
    )


class MainWindow(QMainWindow):
    """Composes the widgets and connects them to the presenter.

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
        assistants: AssistantService | None = None,
        later: Callable[[Callable[[], None]], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``later`` runs work after the first paint: the keyring is asked through it
        (see :meth:`~kimi_desktop.services.endpoint_presenter.EndpointPresenter.hold_keyring`);
        without it, at once."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        # TRANSLATORS: the app's name, the window's title while no conversation is open.
        self.setWindowTitle(_("Kimi Desktop"))
        self._settings = settings
        self._endpoints = endpoints
        self._history = history
        self._items: MessageItemFactory | None = None  # made for the first message shown
        self.presenter = ChatPresenter(
            history=history,
            chat=chat,
            endpoints=endpoints,
            settings=settings,
            current_choice=self._model_choice,
            assistants=assistants,
            parent=self,
        )
        self._build(history)
        self.resize(DEFAULT_SIZE)
        self.fit_to_screen()
        self._wire(chat)
        self.presenter.list_assistants()
        self.apply_preferences()
        if later is not None:
            later(self.presenter.endpoint_presenter.hold_keyring())
        self.presenter.endpoint_presenter.list_endpoints()
        self.sidebar.refresh()
        self.presenter.endpoint_presenter.show_page()
        self.composer.edit.setFocus()  # typing right after start goes to the message

    # -- construction ------------------------------------------------------------

    def _build(self, history: HistoryService) -> None:
        # Each part is made inside its final parent: moving a finished part into
        # another makes Qt resolve the style sheet again for every widget in it
        # (tens of milliseconds at start-up). The containers come first; they take
        # no focus, so the parts keep their order for Tab.
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.setCentralWidget(splitter)
        self.sidebar = Sidebar(history, splitter)
        # The window's parts by their documented object names, for tests and tools.
        self.search = self.sidebar.search
        self.conversation_model = self.sidebar.model
        self.conversation_list = self.sidebar.list

        self.pages = QStackedWidget(splitter)
        self.chat_page = chat_page = QWidget(self.pages)
        self.top_bar = TopBar(chat_page)
        # Prices per million tokens in the model list, where they are known.
        self.top_bar.set_price_lookup(
            lambda model_id: effective_prices(self._endpoints.active_profile(), model_id)
        )
        self.chat_view = ChatView(chat_page)
        self.draft_documents = DraftDocuments(self)
        self.token_meter = TokenMeter(parent=self)
        self.composer = ComposerPanel(
            chat_page, documents=self.draft_documents, meter=self.token_meter
        )
        column = QVBoxLayout(chat_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.top_bar)
        column.addWidget(self.chat_view, 1)
        column.addWidget(self.composer)
        self.welcome = WelcomePage(self.pages)
        self.pages.addWidget(chat_page)
        self.pages.addWidget(self.welcome)

        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 920])
        splitter.setChildrenCollapsible(False)
        self.setAcceptDrops(True)
        self._drop_overlay: DropOverlay | None = None
        self.statusBar().setSizeGripEnabled(False)
        self.undo_offer = UndoOffer(self)
        self.statusBar().addPermanentWidget(self.undo_offer)

    def _wire(self, chat: ChatSession) -> None:
        presenter, composer, top_bar, chat_view = (
            self.presenter,
            self.composer,
            self.top_bar,
            self.chat_view,
        )
        setup = presenter.endpoint_presenter
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.conversation_chosen.connect(self.open_conversation)
        # A search result opens its chat at the message that matched (0: the title did).
        self.sidebar.search_result_opened.connect(self._on_search_result_opened)
        self.sidebar.delete_requested.connect(presenter.delete)
        self.sidebar.rename_chosen.connect(presenter.rename)
        self.sidebar.pin_requested.connect(presenter.set_pinned)

        composer.send_requested.connect(presenter.submit)
        composer.attach_requested.connect(self._on_composer_attach_requested)
        # The empty chat: assistants to start with, and starter prompts.
        placeholder = chat_view.placeholder
        presenter.assistants_listed.connect(placeholder.set_assistants)
        placeholder.assistant_chosen.connect(presenter.choose_assistant)
        placeholder.starter_chosen.connect(
            lambda starter: presenter.use_starter(starter, composer.text())
        )
        presenter.attach_requested.connect(self._on_composer_attach_requested)
        presenter.thinking_chosen.connect(top_bar.set_thinking)
        presenter.effort_chosen.connect(top_bar.set_effort)
        composer.tray.preview_requested.connect(lambda image: self._preview(image.data, image.name))
        composer.stop_requested.connect(presenter.stop)
        top_bar.endpoint_chosen.connect(setup.choose_endpoint)
        top_bar.model_chosen.connect(setup.choose_model)
        top_bar.refresh_models_requested.connect(setup.refresh_models)
        top_bar.settings_requested.connect(self.settings_requested)
        top_bar.system_prompt_requested.connect(self.edit_conversation_settings)
        top_bar.web_search_toggled.connect(presenter.set_web_search)
        self.welcome.key_submitted.connect(setup.submit_key)
        self.welcome.demo_requested.connect(setup.use_demo)
        self.welcome.settings_requested.connect(self.settings_requested)

        chat_view.link_activated.connect(self._open_link)
        chat_view.link_hovered.connect(self.statusBar().showMessage)
        chat_view.action_requested.connect(self._on_chat_view_action_requested)
        chat_view.image_preview_requested.connect(presenter.preview_image)
        chat_view.code_copied.connect(
            lambda _code: self.statusBar().showMessage(_("Code copied to the clipboard"), 2500)
        )
        # Deltas go straight to the view (it ignores messages it does not show).
        chat.reasoning_received.connect(chat_view.append_reasoning)
        chat.content_received.connect(chat_view.append_content)
        chat.conversation_changed.connect(lambda _conversation: self.sidebar.refresh())
        chat.web_searched.connect(self._on_chat_web_searched)

        presenter.conversation_opened.connect(self._on_presenter_conversation_opened)
        presenter.branch_shown.connect(self.chat_view.reveal_message)  # a version switched
        presenter.message_added.connect(
            lambda message: chat_view.append_message(self._item(message))
        )
        presenter.message_changed.connect(
            lambda message: chat_view.update_message(self._item(message))
        )
        presenter.messages_removed.connect(self._on_presenter_messages_removed)
        presenter.reply_notice_changed.connect(
            lambda reply, text: chat_view.update_message(self._item(reply, notice=text))
        )
        presenter.running_changed.connect(self._on_presenter_running_changed)
        presenter.usage_changed.connect(self._on_presenter_usage_changed)
        presenter.notice_changed.connect(self._on_presenter_notice_changed)
        setup.notice_changed.connect(self._on_presenter_notice_changed)
        presenter.composer_text_set.connect(self._on_presenter_composer_text_set)
        presenter.draft_sent.connect(self._on_presenter_draft_sent)
        setup.page_changed.connect(self._on_presenter_page_changed)
        setup.key_storage_described.connect(self.welcome.set_key_storage)
        setup.welcome_message.connect(self.welcome.show_message)
        setup.endpoints_listed.connect(top_bar.set_endpoints)
        setup.welcome_providers_listed.connect(self.welcome.set_providers)
        setup.models_listed.connect(top_bar.set_models)
        setup.balance_changed.connect(top_bar.set_balance)
        setup.status_message.connect(self.statusBar().showMessage)
        presenter.title_changed.connect(self.setWindowTitle)
        presenter.system_prompt_changed.connect(top_bar.set_has_system_prompt)
        presenter.web_search_changed.connect(self._show_web_search)
        setup.models_listed.connect(lambda *_args: self._show_web_search(presenter.web_search()))
        presenter.status_message.connect(self.statusBar().showMessage)
        presenter.conversation_deleted.connect(self._on_presenter_conversation_deleted)
        presenter.settings_requested.connect(self.settings_requested)
        presenter.image_preview_requested.connect(self._preview)

        for keys, slot in (
            ("Ctrl+N", self.new_conversation),
            ("Ctrl+K", self.sidebar.focus_search),
            ("Ctrl+F", self.sidebar.focus_search),
            ("Ctrl+,", self.settings_requested.emit),
            ("Esc", self._on_escape),
            ("Ctrl+Q", self.close),  # the reply in progress is kept, marked stopped
        ):
            QShortcut(QKeySequence(keys), self, slot)

        # Documents are read, and prompts counted, by the active endpoint where it can.
        self._endpoints.active_changed.connect(self._on_endpoints_active_changed)
        self._on_endpoints_active_changed(self._endpoints.active_id)
        # The token meter follows the endpoint, the model and the conversation.
        for signal in (
            setup.models_listed,
            top_bar.model_chosen,
            presenter.conversation_opened,
            presenter.message_added,
            presenter.message_changed,
            presenter.messages_removed,
            presenter.system_prompt_changed,
        ):
            signal.connect(lambda *_args: self._measure_prompt())

    # -- public ------------------------------------------------------------------

    def apply_preferences(self) -> None:
        """Apply theme-independent preferences (called again when they change)."""
        prefs = self._settings.preferences
        self.composer.edit.set_enter_sends(prefs.send_shortcut == "enter")
        self.chat_view.set_reasoning_expanded_default(prefs.reasoning_expanded)
        self.chat_view.set_font_point_size(prefs.font_size)
        self.composer.set_font_point_size(prefs.font_size)

    def set_dark(self, dark: bool) -> None:
        self.chat_view.set_dark(dark)

    def open_conversation(self, conversation_id: int | None) -> None:
        """Show a conversation (``None``: a fresh, not yet saved chat)."""
        self.presenter.open(conversation_id)
        self.composer.edit.setFocus()

    def new_conversation(self) -> None:
        self.open_conversation(None)

    @property
    def drop_overlay(self) -> DropOverlay:
        """The "drop to attach" cover over the chat, made on the first drag."""
        if self._drop_overlay is None:
            from kimi_desktop.ui.composer.image_preview import DropOverlay

            self._drop_overlay = DropOverlay(self)
        return self._drop_overlay

    def edit_conversation_settings(self) -> ConversationSettingsDialog:
        """Open the conversation's settings (instructions, output budget); OK saves them."""
        from kimi_desktop.ui.chat.conversation_settings import ConversationSettingsDialog

        dialog = ConversationSettingsDialog(self.presenter.conversation_settings(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.conversation_settings_chosen.connect(self._on_settings_dialog_chosen)
        dialog.open()
        return dialog

    def _on_settings_dialog_chosen(self, settings: ConversationSettings) -> None:
        self.presenter.apply_conversation_settings(settings)
        if self.presenter.conversation is not None:
            self.sidebar.set_current(self.presenter.conversation.id)

    def attach_paths(self, paths: list[str]) -> None:
        """Attach files given on the command line or by a second launch."""
        if paths:
            self.composer.attach(list(paths))

    # -- what a person does ------------------------------------------------------

    def _model_choice(self) -> ModelChoice:
        return self.top_bar.choice()

    def _on_escape(self) -> None:
        """Esc undoes the nearest thing: a search being typed, a reply, an edit."""
        if self.search.hasFocus() and self.search.text():
            self.search.clear()
        else:
            self.presenter.escape()

    def _on_chat_view_action_requested(self, action: str, message_id: int) -> None:
        self.presenter.act(MessageAction(action), message_id, self.composer.text())

    def _on_composer_attach_requested(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Attach images or documents"),
            "",
            attach_dialog_filters(),
            options=QFileDialog.Option.HideNameFilterDetails,
        )
        self.attach_paths(files)

    def _preview(self, data: bytes, name: str) -> None:
        from kimi_desktop.ui.composer.image_preview import ImagePreviewDialog

        ImagePreviewDialog(data, name or _("Image"), self).open()

    def _open_link(self, url: str, text: str) -> None:
        """Open a clicked link; one whose text or address may mislead asks first."""
        from kimi_desktop.ui.chat.link_dialog import confirm_link

        if confirm_link(self, text, url):
            QDesktopServices.openUrl(QUrl(url))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if mime_has_attachments(event.mimeData()) and self.pages.currentWidget() is self.chat_page:
            event.acceptProposedAction()
            self.drop_overlay.show_over(self.chat_view)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        if self._drop_overlay is not None:
            self._drop_overlay.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if self._drop_overlay is not None:
            self._drop_overlay.hide()
        sources = sources_from_mime(event.mimeData())
        if sources:
            event.acceptProposedAction()
            self.composer.attach(sources)

    # -- the token meter ---------------------------------------------------------

    def _on_endpoints_active_changed(self, endpoint_id: str) -> None:
        """Moonshot's files API reads documents and its tokenizer counts prompts where
        the endpoint has them; elsewhere documents are read here and counts estimated."""
        self.draft_documents.set_extractor(self._endpoints.file_reader(endpoint_id))
        self.token_meter.set_estimator(self._endpoints.token_counter(endpoint_id))

    def _measure_prompt(self) -> None:
        """Tell the meter the model, its context and budget, and the history sent."""
        choice, conversation = self._model_choice(), self.presenter.conversation
        info = self.presenter.endpoint_presenter.model_info(choice.model)
        self.token_meter.set_model(
            choice.model,
            info.context_length if info else None,
            conversation.max_tokens if conversation else None,
        )
        if conversation is None:
            self.token_meter.set_history([])
        else:
            images = sum(len(message.attachments) for message in self.presenter.messages())
            self.token_meter.set_history(self._history_sent(), image_count=images)

    def _history_sent(self) -> list[Message]:
        """The open conversation as the next request sends it before the draft.

        Built from the messages the presenter holds, without images (their bytes
        are not read again for a count: the meter is told how many there are) and
        without the turns of past web searches, which only the chat session reads.
        """
        conversation = self.presenter.conversation
        return build_history(
            self.presenter.messages(),
            blob=lambda _sha256: None,
            system_prompt=conversation.system_prompt if conversation else "",
            with_images=False,
        )

    def _on_search_result_opened(self, _conversation_id: int, message_id: int) -> None:
        """A search hit may lie in a branch not shown: switch to it, then scroll there."""
        if self.presenter.show_message(message_id):
            self.chat_view.reveal_message(message_id)

    def _message_items(self) -> MessageItemFactory:
        """What turns stored messages into the view's items; loaded with the first
        message, since it brings in the message widgets' parts and math."""
        if self._items is None:
            from kimi_desktop.ui.chat.message_items import MessageItemFactory

            self._items = MessageItemFactory(self._history, self._endpoints)
        return self._items

    # -- what the presenter says -------------------------------------------------

    def _item(
        self, message: StoredMessage, *, decode: bool = True, notice: str = ""
    ) -> MessageItem:
        item = self._message_items().item(message, self.presenter.items_endpoint(), decode=decode)
        return replace(item, notice=notice) if notice else item

    def _on_presenter_conversation_opened(
        self, conversation: Conversation | None, messages: list[StoredMessage]
    ) -> None:
        self.sidebar.set_current(conversation.id if conversation else None)
        self.chat_view.set_messages([self._item(m, decode=False) for m in messages])
        missing = self._message_items().missing_thumbnails(messages)
        if conversation is not None and missing:
            self.presenter.track(self._show_thumbnails(conversation.id, missing))

    async def _show_thumbnails(self, conversation_id: int, hashes: list[str]) -> None:
        """Decode an opened conversation's thumbnails off the GUI thread, then show them."""
        await self._message_items().decode_thumbnails(hashes)
        conversation = self.presenter.conversation
        if conversation is None or conversation.id != conversation_id:
            return
        shown = set(self.chat_view.message_ids())
        for message in self.presenter.messages():
            if message.attachments and message.id in shown:
                self.chat_view.update_message(self._item(message))

    def _show_web_search(self, on: bool) -> None:
        """The Web search toggle, where the endpoint runs Kimi's search, set to ``on``."""
        available = self.presenter.endpoint_presenter.web_search_available()
        self.top_bar.set_web_search(available=available, on=on)

    def _on_chat_web_searched(self, message_id: int, searches: int) -> None:
        """A streaming reply searched the web once more: its line says so at once."""
        message = next((m for m in self.presenter.messages() if m.id == message_id), None)
        if message is not None:
            # Without text or reasoning, so the view keeps what has streamed since.
            searched = replace(message, text="", reasoning="", web_searches=searches)
            self.chat_view.update_message(self._item(searched))

    def _on_presenter_messages_removed(self, message_ids: list[int]) -> None:
        for message_id in message_ids:
            self.chat_view.remove_message(message_id)

    def _on_presenter_running_changed(self, running: bool) -> None:
        self.composer.set_running(running)
        if not running:
            self.statusBar().clearMessage()

    def _on_presenter_usage_changed(self) -> None:
        conversation = self.presenter.conversation
        self.top_bar.usage_label.setText(
            self._message_items().conversation_summary(
                self.presenter.messages(), self.presenter.items_endpoint()
            )
            if conversation
            else ""
        )

    def _on_presenter_notice_changed(self, notice: Notice) -> None:
        self.composer.show_notice(notice.text, error=notice.error, action=notice.action)

    def _on_presenter_composer_text_set(self, text: str) -> None:
        self.composer.set_text(text)
        self.composer.edit.setFocus()

    def _on_presenter_draft_sent(self) -> None:
        self.composer.clear_draft()
        if self.presenter.conversation is not None:
            self.sidebar.set_current(self.presenter.conversation.id)

    def _on_presenter_page_changed(self, page: Page) -> None:
        if page is Page.CHAT:
            if self.pages.currentWidget() is self.welcome:
                self.composer.edit.setFocus()  # the welcome's focused button just vanished
            self.pages.setCurrentWidget(self.chat_page)
        else:
            self.pages.setCurrentWidget(self.welcome)

    def _on_presenter_conversation_deleted(
        self, sentence: str, restore: Callable[[], None]
    ) -> None:
        self.statusBar().showMessage(sentence, UNDO_MS)
        self.undo_offer.offer(restore)

    # -- window state ------------------------------------------------------------

    def restore_geometry(self) -> None:
        saved = self._settings.state.window_geometry
        if not isinstance(saved, str) or not saved:
            return
        try:
            geometry = QByteArray.fromBase64(saved.encode("ascii"))
        except UnicodeEncodeError:  # a damaged state file: the default size it is
            return
        self.restoreGeometry(geometry)  # ignores bytes it cannot read
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """Keep the window inside the screen's free area (a geometry saved on a
        larger screen, or at another scaling, would put the composer off screen)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        frame = self.frameGeometry()
        extra = frame.size() - self.geometry().size()  # the window manager's frame
        width = min(self.width(), free.width() - extra.width())
        height = min(self.height(), free.height() - extra.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        frame = self.frameGeometry()
        left = min(max(frame.left(), free.left()), free.right() - frame.width() + 1)
        top = min(max(frame.top(), free.top()), free.bottom() - frame.height() + 1)
        if (left, top) != (frame.left(), frame.top()):
            self.move(left, top)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Nothing on the way out may keep the window open: each step that fails is
        # logged and the next one runs. A reply in progress is saved as stopped by
        # ChatSession.shutdown(), after the window has closed.
        import logging  # here, to keep this method's needs in one place

        log = logging.getLogger(__name__)
        for step in (
            self.presenter.close,
            self.sidebar.cancel_pending_search,
            self.token_meter.close,
        ):
            try:
                step()
            except Exception:
                log.exception("closing the window: %s failed", getattr(step, "__name__", step))
        try:
            geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
            self._settings.set_window_geometry(geometry)
        except OSError as exc:  # a read-only or full config folder
            log.warning("the window size could not be saved: %s", exc.strerror or exc)
        except Exception:
            log.exception("the window size could not be saved")
        event.accept()
        super().closeEvent(event)
