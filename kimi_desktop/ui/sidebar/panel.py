"""The left column: New chat, search over all messages, and the conversation list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QPushButton, QVBoxLayout, QWidget
from qasync import asyncSlot

from kimi_desktop.domain import Conversation
from kimi_desktop.i18n import _
from kimi_desktop.services.history import HistoryService
from kimi_desktop.ui.sidebar.conversation_list import (
    ConversationListModel,
    ConversationListView,
    ConversationRole,
)

#: Typing pauses this long before the search runs, so each keystroke does not query.
SEARCH_DELAY_MS = 150


class Sidebar(QWidget):
    """Lists conversations (or search hits); asks for a new title, and passes renames,
    pins and deletions on to whoever saves them.

    Signals:
        new_requested()
        conversation_chosen(int conversation_id)
        delete_requested(int conversation_id): the window stops its reply and offers Undo.
        rename_chosen(int conversation_id, str title)
        pin_requested(int conversation_id, bool pinned)
    """

    new_requested = Signal()
    conversation_chosen = Signal(int)
    delete_requested = Signal(int)
    rename_chosen = Signal(int, str)
    pin_requested = Signal(int, bool)

    def __init__(self, history: HistoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        # A QWidget subclass paints its style-sheet background only when asked to.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumWidth(210)
        self._history = history
        self._current: int | None = None

        # TRANSLATORS: the sidebar's button; the "+" and the two spaces are its icon.
        self.new_button = QPushButton(_("+  New chat"), self)
        self.new_button.setObjectName("newChatButton")
        self.new_button.setToolTip(_("New chat (Ctrl+N)"))
        self.new_button.setAccessibleName(_("New chat"))
        self.new_button.clicked.connect(self.new_requested)
        self.search = QLineEdit(self)
        self.search.setObjectName("conversationSearch")
        self.search.setPlaceholderText(_("Search all chats  (Ctrl+K)"))
        self.search.setAccessibleName(_("Search conversations"))
        self.search.setToolTip(_("Search every title and message (Ctrl+K); Esc clears"))
        self.search.setClearButtonEnabled(True)
        self.model = ConversationListModel(self)
        self.list = ConversationListView(self)
        self.list.setModel(self.model)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.list.rename_requested.connect(self._rename)
        self.list.pin_requested.connect(self.pin_requested)
        self.list.delete_requested.connect(self.delete_requested)
        history.conversations_changed.connect(self.refresh)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)

    def refresh(self) -> None:
        """Show every conversation, or the matches of the search box."""
        query = self.search.text().strip()
        if query:
            self._show_search_results(query)
        else:
            self.model.set_conversations(self._history.conversations())
            self._select_row()

    @asyncSlot(str)
    async def _show_search_results(self, query: str) -> None:
        """Search in a worker thread: scanning a large history for a one- or
        two-letter word takes tens of milliseconds, which typing must not feel."""
        hits = await self._history.search_in_worker(query)
        if self.search.text().strip() != query:
            return  # typed on: the newer query's search shows its own results
        conversations = {c.id: c for c in self._history.conversations()}
        self.model.set_search_results(hits, conversations)
        self._select_row()

    def set_current(self, conversation_id: int | None) -> None:
        """Highlight the open conversation (without reopening it)."""
        self._current = conversation_id
        if conversation_id is None:
            self.list.clearSelection()
        self._select_row()

    def cancel_pending_search(self) -> None:
        """Forget a search still being typed (the window is closing; so is the history)."""
        self._search_timer.stop()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _select_row(self) -> None:
        row = self.model.row_of(self._current) if self._current is not None else -1
        selection = self.list.selectionModel()
        selection.blockSignals(True)
        self.list.setCurrentIndex(self.model.index(row) if row >= 0 else QModelIndex())
        selection.blockSignals(False)

    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        conversation = current.data(ConversationRole) if current.isValid() else None
        if isinstance(conversation, Conversation) and conversation.id != self._current:
            self._current = conversation.id
            self.conversation_chosen.emit(conversation.id)

    def _rename(self, conversation_id: int) -> None:
        conversation = self._history.conversation(conversation_id)
        if conversation is None:
            return
        title, ok = QInputDialog.getText(
            self, _("Rename conversation"), _("Title:"), text=conversation.title
        )
        if ok and title.strip():
            self.rename_chosen.emit(conversation_id, title)
