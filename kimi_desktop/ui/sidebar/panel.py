"""The left column: New chat, search over all messages, and the conversation list."""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from kimi_desktop.domain import Conversation
from kimi_desktop.i18n import _
from kimi_desktop.services.history import HistoryService
from kimi_desktop.ui.icons import set_icon
from kimi_desktop.ui.sidebar.conversation_list import (
    ConversationListModel,
    ConversationListView,
    ConversationRole,
    MessageIdRole,
)

#: Typing pauses this long before the search runs, so each keystroke does not query.
SEARCH_DELAY_MS = 150


class Sidebar(QWidget):
    """Lists conversations (or search hits); asks for a new title, and passes renames,
    pins and deletions on to whoever saves them.

    The keyboard: Ctrl+K (the window's shortcut) calls :meth:`focus_search`;
    typing filters; Down moves into the results and Enter opens the selected
    one (Enter in the search box opens the top one); Esc clears the search and
    gives the focus back to where it was before the sidebar took it. Delete
    and F2 act on the list's current conversation wherever the focus is in
    the sidebar (in the search box, Delete edits the text while there is text).
    Moving through the list with the arrow keys opens each conversation and
    keeps the focus in the list; search results open only on Enter or a
    click, at the message that matched.

    A conversation created while a search is shown clears the search: the new
    chat is what the person works on now, so the list shows it, selected,
    among all the others.

    Signals:
        new_requested()
        conversation_chosen(int conversation_id): open it.
        search_result_opened(int conversation_id, int message_id): a search result
            was opened, right after ``conversation_chosen`` for the same
            conversation: show that message, briefly highlighted (0: the title
            matched; nothing to show).
        delete_requested(int conversation_id): the window stops its reply and offers Undo.
        rename_chosen(int conversation_id, str title)
        pin_requested(int conversation_id, bool pinned)
        export_requested(int conversation_id): "Export…" from its context menu.
    """

    new_requested = Signal()
    conversation_chosen = Signal(int)
    search_result_opened = Signal(int, int)
    delete_requested = Signal(int)
    rename_chosen = Signal(int, str)
    pin_requested = Signal(int, bool)
    export_requested = Signal(int)

    def __init__(
        self,
        history: HistoryService,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        # A QWidget subclass paints its style-sheet background only when asked to.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumWidth(210)
        self._history = history
        self._current: int | None = None
        self._newest_id: int | None = None  # ids only grow: a larger one is a new chat
        self._selecting = False  # the list's current row is being set, not chosen
        self._searching_for: str | None = None  # the query whose search is running
        self._open_top_result = False  # Enter came before the results did
        self._return_focus_to: QWidget | None = None
        self._keyboard_row = 0  # the list's last current row

        # TRANSLATORS: the sidebar's button that starts a new conversation.
        self.new_button = QPushButton(_("New chat"), self)
        self.new_button.setObjectName("newChatButton")
        set_icon(self.new_button, "square-pen")
        self.new_button.setToolTip(_("New chat (Ctrl+N)"))
        self.new_button.setAccessibleName(_("New chat"))
        self.new_button.clicked.connect(self.new_requested)
        self.search = QLineEdit(self)
        self.search.setObjectName("conversationSearch")
        self.search.setPlaceholderText(_("Search all chats  (Ctrl+K)"))
        self.search.setAccessibleName(_("Search conversations"))
        self.search.setToolTip(_("Search every title and message (Ctrl+K); Esc clears"))
        self.search.setClearButtonEnabled(True)
        search_icon = self.search.addAction(QIcon(), QLineEdit.ActionPosition.LeadingPosition)
        set_icon(search_icon, "search", owner=self.search, role=QPalette.ColorRole.PlaceholderText)
        self.search.installEventFilter(self)
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("conversationListEmpty")
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.model = ConversationListModel(self, clock=clock)
        self.list = ConversationListView(self)
        self.list.setModel(self.model)
        self.list.claims_escape = lambda: bool(self.search.text())

        self.delete_action = self._shortcut(
            _("Delete conversation"), QKeySequence.StandardKey.Delete
        )
        self.delete_action.triggered.connect(self._on_delete_action_triggered)
        self.rename_action = self._shortcut(_("Rename conversation"), QKeySequence(Qt.Key.Key_F2))
        self.rename_action.triggered.connect(self._on_rename_action_triggered)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.list.clicked.connect(self._on_list_clicked)
        self.list.open_requested.connect(self._open)
        self.list.text_typed.connect(self._on_list_text_typed)
        self.list.escape_pressed.connect(self.leave_search)
        self.list.rename_requested.connect(self._rename)
        self.list.pin_requested.connect(self.pin_requested)
        self.list.delete_requested.connect(self.delete_requested)
        self.list.export_requested.connect(self.export_requested)
        self.model.modelReset.connect(self._show_empty_state)
        history.conversations_changed.connect(self.refresh)
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._on_application_focus_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list, 1)

    def _shortcut(self, text: str, keys: QKeySequence | QKeySequence.StandardKey) -> QAction:
        """An action for the list's current conversation, live while the focus is in
        the sidebar (the list or the search box), wherever it was before."""
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    # -- what the window asks ------------------------------------------------------

    def refresh(self) -> None:
        """Show every conversation, or the matches of the search box."""
        conversations = self._history.conversations()
        newest = max((c.id for c in conversations), default=0)
        created = self._newest_id is not None and newest > self._newest_id
        self._newest_id = max(newest, self._newest_id or 0)
        if created and self.search.text():
            self._clear_search_box()
        query = self.search.text().strip()
        if query:
            self._show_search_results(query)
        else:
            self.model.set_conversations(conversations)
            self._select_row(self.model.row_of(self._current) if self._current else -1)
            self._keep_keyboard_place()

    @asyncSlot(str)
    async def _show_search_results(self, query: str) -> None:
        """Search in a worker thread: scanning a large history for a one- or
        two-letter word takes tens of milliseconds, which typing must not feel."""
        self._searching_for = query
        try:
            hits = await self._history.search_in_worker(query)
        finally:
            if self._searching_for == query:
                self._searching_for = None
        if self.search.text().strip() != query:
            return  # typed on: the newer query's search shows its own results
        conversations = {c.id: c for c in self._history.conversations()}
        self.model.set_search_results(hits, conversations)
        self._select_row(0 if self.model.rowCount() else -1)  # what Enter opens
        if self._open_top_result:
            self._open_top_result = False
            if self.model.rowCount():
                self._open(self.model.index(0))

    def set_current(self, conversation_id: int | None) -> None:
        """Highlight the open conversation (without reopening it)."""
        self._current = conversation_id
        if conversation_id is None:
            self._select_row(-1)
            self._keep_keyboard_place()
            return
        row = self.model.row_of(conversation_id)
        if row >= 0:
            self._select_row(row)

    def cancel_pending_search(self) -> None:
        """Forget a search still being typed (the window is closing; so is the history)."""
        self._search_timer.stop()
        self._open_top_result = False

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def leave_search(self) -> None:
        """Clear the search, show every conversation, and give the focus back to
        where it was before the sidebar took it (else to the list)."""
        self._clear_search_box()
        self.refresh()
        target = self._return_focus_to
        self._return_focus_to = None
        if (
            target is not None
            and shiboken6.isValid(target)
            and target.isVisible()
            and target.isEnabled()
            and target.window() is self.window()
        ):
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the keyboard and the mouse -----------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.ShortcutOverride:
                if event.key() == Qt.Key.Key_Escape and self.search.text():
                    event.accept()  # ours to clear, not the window's Esc
                    return True
            elif event.type() == QEvent.Type.KeyPress and self._on_search_key(event):
                return True
        return super().eventFilter(watched, event)

    def _on_search_key(self, event: QKeyEvent) -> bool:
        """Handle a key typed in the search box; whether it was used."""
        key = event.key()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if key == Qt.Key.Key_Down:
            self._enter_list()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open_from_search_box()
            return True
        if key == Qt.Key.Key_Escape and self.search.text():
            self.leave_search()
            return True
        if key == Qt.Key.Key_Delete and not self.search.text():
            self._on_delete_action_triggered()
            return True
        return False

    def _enter_list(self) -> None:
        if not self.model.rowCount():
            return
        if not self.list.currentIndex().isValid():
            self._select_row(0)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_from_search_box(self) -> None:
        if not self.search.text().strip():
            return
        if self._search_timer.isActive() or self._searching_for is not None:
            self._open_top_result = True  # the results are on their way
            if self._search_timer.isActive():
                self._search_timer.stop()
                self.refresh()
            return
        if self.list.currentIndex().isValid():
            self._open(self.list.currentIndex())

    def _on_list_text_typed(self, text: str) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search.end(False)
        self.search.insert(text)

    def _on_application_focus_changed(self, old: QWidget | None, now: QWidget | None) -> None:
        # Remember where the focus came from when it enters the sidebar, so Esc
        # can give it back.
        if not shiboken6.isValid(self):
            return
        if now is not None and self._holds(now) and (old is None or not self._holds(old)):
            self._return_focus_to = old

    def _holds(self, widget: QWidget) -> bool:
        return widget is self or self.isAncestorOf(widget)

    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._keyboard_row = current.row()
        if self._selecting or self.model.searching or self.list.focus_selecting:
            return  # a search result opens on Enter or a click, not by moving to it
        conversation = current.data(ConversationRole) if current.isValid() else None
        if not isinstance(conversation, Conversation) or conversation.id == self._current:
            return
        by_keyboard = self.list.hasFocus() and not self.list.pointer_selecting
        self._current = conversation.id
        self.conversation_chosen.emit(conversation.id)
        if by_keyboard:
            # Opening a chat sends the focus to its composer; the arrow keys
            # must go on moving through the list.
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_list_clicked(self, index: QModelIndex) -> None:
        # A click opens its chat even when that row was already the current one
        # without being open (the list's first row when the list first got focus).
        conversation = index.data(ConversationRole) if index.isValid() else None
        if self.model.searching or (
            isinstance(conversation, Conversation) and conversation.id != self._current
        ):
            self._open(index)

    def _open(self, index: QModelIndex) -> None:
        """Open the conversation of ``index``; a search result at the message that matched."""
        conversation = index.data(ConversationRole) if index.isValid() else None
        if not isinstance(conversation, Conversation):
            return
        self._current = conversation.id
        self.conversation_chosen.emit(conversation.id)
        if self.model.searching:
            self.search_result_opened.emit(conversation.id, int(index.data(MessageIdRole) or 0))

    def _on_delete_action_triggered(self) -> None:
        if (conversation := self.list.current_conversation()) is not None:
            self.delete_requested.emit(conversation.id)

    def _on_rename_action_triggered(self) -> None:
        if (conversation := self.list.current_conversation()) is not None:
            self._rename(conversation.id)

    # -- inside --------------------------------------------------------------------

    def _clear_search_box(self) -> None:
        """Empty the search box without scheduling a search for the empty text."""
        self.search.blockSignals(True)
        try:
            self.search.clear()
        finally:
            self.search.blockSignals(False)
        self._search_timer.stop()
        self._open_top_result = False

    def _select_row(self, row: int) -> None:
        """Make ``row`` the list's current and selected row (-1: none) without opening it."""
        self._selecting = True
        try:
            if row < 0:
                self.list.clearSelection()
                self.list.setCurrentIndex(QModelIndex())
            else:
                index = self.model.index(row)
                self.list.setCurrentIndex(index)
                self.list.scrollTo(index)
        finally:
            self._selecting = False

    def _keep_keyboard_place(self) -> None:
        """After the keyboard's row went away (deleted, or a new chat opened), put the
        keyboard on the row now in its place, without opening it: the focus stays
        visible, and Delete can go on."""
        rows = self.model.rowCount()
        if not self.list.hasFocus() or self.list.currentIndex().isValid() or not rows:
            return
        self._selecting = True
        try:
            self.list.selectionModel().setCurrentIndex(
                self.model.index(min(self._keyboard_row, rows - 1)),
                QItemSelectionModel.SelectionFlag.NoUpdate,
            )
        finally:
            self._selecting = False

    def _show_empty_state(self) -> None:
        empty = self.model.rowCount() == 0
        self.empty_label.setText(
            (_("No matches") if self.model.searching else _("No chats yet")) if empty else ""
        )
        self.empty_label.setVisible(empty)

    def _rename(self, conversation_id: int) -> None:
        conversation = self._history.conversation(conversation_id)
        if conversation is None:
            return
        title, ok = QInputDialog.getText(
            self, _("Rename conversation"), _("Title:"), text=conversation.title
        )
        if ok and title.strip():
            self.rename_chosen.emit(conversation_id, title)
