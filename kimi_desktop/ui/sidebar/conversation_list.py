"""The sidebar's list: conversations grouped by date (pinned on top), or search results."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QListView, QMenu, QWidget

from kimi_desktop.domain import Conversation, SearchHit
from kimi_desktop.i18n import _
from kimi_desktop.ui.plain_text import marked_tooltip, one_line, plain_tooltip
from kimi_desktop.ui.sidebar.conversation_delegate import ConversationDelegate
from kimi_desktop.ui.sidebar.date_groups import DateGroup, DateGrouper, local_date
from kimi_desktop.ui.sidebar.roles import (
    ConversationRole,
    GroupRole,
    MessageIdRole,
    SnippetRole,
    TitleMatchRole,
)
from kimi_desktop.ui.sidebar.snippet_text import plain_text, snippet_runs

#: A row shows at most this much of a title on its one line (the view elides it
#: to the width); the tooltip shows more, up to its own cap.
TITLE_DISPLAY_CHARS = 200

_Index = QModelIndex | QPersistentModelIndex

__all__ = [
    "TITLE_DISPLAY_CHARS",
    "ConversationListModel",
    "ConversationListView",
    "ConversationRole",
    "GroupRole",
    "MessageIdRole",
    "SnippetRole",
    "TitleMatchRole",
]


@dataclass(frozen=True, slots=True)
class _Result:
    """What a search found in one conversation: its title, its first message, or both."""

    title_snippet: str | None = None
    message_id: int = 0
    message_snippet: str | None = None


class ConversationListModel(QAbstractListModel):
    """Conversations, or — while a search is active — the conversations that match.

    Rows carry the :class:`Conversation` under ``ConversationRole``. Every
    conversation is under a date heading (``GroupRole`` on the first row of
    each), computed with the injected ``clock`` so tests need no real date.
    A search result shows each conversation once, best match first, with the
    matching snippet (``SnippetRole``) and the message to open at
    (``MessageIdRole``). Titles and snippets come from people and models:
    rows draw them as plain text on single lines, tooltips show them as
    plain text (:mod:`kimi_desktop.ui.plain_text`), and no marker character
    ever reaches what is shown.
    """

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._rows: list[Conversation] = []
        self._groups: dict[int, DateGroup] = {}  # row -> the heading drawn above it
        self._results: dict[int, _Result] = {}
        self._searching = False

    @property
    def searching(self) -> bool:
        """Whether the rows are search results (else every conversation)."""
        return self._searching

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        conversation = self._rows[index.row()]
        result = self._results.get(conversation.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._title(conversation)
        if role == Qt.ItemDataRole.ToolTipRole:
            if result is not None and (result.message_snippet or result.title_snippet):
                return marked_tooltip(result.message_snippet or result.title_snippet or "")
            return plain_tooltip(conversation.title)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible_text(conversation, result)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            group = self._group_at(index.row())
            return group.title if group is not None else ""
        if role == ConversationRole:
            return conversation
        if role == SnippetRole:
            return result.message_snippet if result else None
        if role == TitleMatchRole:
            return result.title_snippet if result else None
        if role == MessageIdRole:
            return result.message_id if result else 0
        if role == GroupRole:
            return self._groups.get(index.row())
        return None

    def _title(self, conversation: Conversation) -> str:
        return one_line(conversation.title, limit=TITLE_DISPLAY_CHARS) or _("New chat")

    def _accessible_text(self, conversation: Conversation, result: _Result | None) -> str:
        title = self._title(conversation)
        if result is not None and result.message_snippet:
            # TRANSLATORS: what a screen reader says for a search result: the
            # conversation's title, then the text that matched.
            return _("{title}: {snippet}").format(
                title=title, snippet=plain_text(snippet_runs(result.message_snippet))
            )
        if conversation.pinned:
            # TRANSLATORS: what a screen reader says for a conversation pinned to the top.
            return _("Pinned. {title}").format(title=title)
        return title

    def _group_at(self, row: int) -> DateGroup | None:
        """The heading the row is under (searching: none)."""
        found = None
        for start in sorted(self._groups):
            if start > row:
                break
            found = self._groups[start]
        return found

    def set_conversations(self, conversations: Sequence[Conversation]) -> None:
        """Show every conversation under date headings (the store orders them:
        pinned, then most recently used first)."""
        self.beginResetModel()
        self._rows = list(conversations)
        self._results = {}
        self._searching = False
        self._groups = self._headings(self._rows)
        self.endResetModel()

    def _headings(self, rows: Sequence[Conversation]) -> dict[int, DateGroup]:
        grouper = DateGrouper(local_date(self._clock()))
        headings: dict[int, DateGroup] = {}
        previous: DateGroup | None = None
        for row, conversation in enumerate(rows):
            group = grouper.group(conversation.updated_at, pinned=conversation.pinned)
            if group != previous:
                headings[row] = group
                previous = group
        return headings

    def set_search_results(
        self, hits: Sequence[SearchHit], conversations: dict[int, Conversation]
    ) -> None:
        """Show the conversations that match, each once, in the order of their best hit;
        each opens at its first matching message."""
        self.beginResetModel()
        self._rows, self._results, self._groups = [], {}, {}
        self._searching = True
        for hit in hits:
            conversation = conversations.get(hit.conversation_id)
            if conversation is None:
                continue
            result = self._results.get(conversation.id)
            if result is None:
                self._rows.append(conversation)
                result = _Result()
            if hit.message_id <= 0 and result.title_snippet is None:
                result = _Result(hit.snippet, result.message_id, result.message_snippet)
            elif hit.message_id > 0 and not result.message_id:
                result = _Result(result.title_snippet, hit.message_id, hit.snippet)
            self._results[conversation.id] = result
        self.endResetModel()

    def row_of(self, conversation_id: int) -> int:
        """The row showing a conversation, or -1."""
        return next((i for i, c in enumerate(self._rows) if c.id == conversation_id), -1)

    def conversation_at(self, row: int) -> Conversation | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def update_conversation(self, conversation: Conversation) -> None:
        """Refresh one row in place (its title) without resetting the view."""
        row = self.row_of(conversation.id)
        if row >= 0:
            self._rows[row] = conversation
            index = self.index(row)
            self.dataChanged.emit(index, index)


class ConversationListView(QListView):
    """The list widget: rows drawn by :class:`ConversationDelegate`, a context menu,
    and the keys a list needs beyond moving (the sidebar owns Delete and F2).

    Clicking a date heading selects nothing; headings are not rows, so the
    arrow keys never stop on one.

    Signals:
        rename_requested(int), pin_requested(int, bool), delete_requested(int),
        export_requested(int): from the context menu, for the conversation clicked.
        open_requested(QModelIndex): Enter or Return on the current row.
        text_typed(str): printable text typed while the list has focus (the
            sidebar sends it to the search box).
        escape_pressed(): Esc, when the sidebar claims it (:attr:`claims_escape`).
    """

    rename_requested = Signal(int)
    pin_requested = Signal(int, bool)
    delete_requested = Signal(int)
    export_requested = Signal(int)
    open_requested = Signal(QModelIndex)
    text_typed = Signal(str)
    escape_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationList")
        self.setAccessibleName(_("Conversations"))
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)  # hover highlight
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self.delegate = ConversationDelegate(self)
        self.setItemDelegate(self.delegate)
        self.claims_escape: Callable[[], bool] = lambda: False
        """Whether Esc is the sidebar's (a search to clear) rather than the window's."""
        self.pointer_selecting = False
        """True while a mouse press is changing the current row."""
        self.focus_selecting = False
        """True while gaining focus makes a row current (Qt does that on Tab)."""

    def current_conversation(self) -> Conversation | None:
        """The conversation of the current row (the keyboard's), if any."""
        index = self.currentIndex()
        value = index.data(ConversationRole) if index.isValid() else None
        return value if isinstance(value, Conversation) else None

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.claims_escape()
        ):
            event.accept()  # the window's Esc shortcut must not take it
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            return
        if key == Qt.Key.Key_Escape and self.claims_escape():
            self.escape_pressed.emit()
            return
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        text = event.text()
        if (
            text
            and text.isprintable()
            and not text.isspace()
            and modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            self.text_typed.emit(text)  # typing searches, rather than jumping by first letter
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.focus_selecting = True
        try:
            super().focusInEvent(event)
            # Qt gives the first row the keyboard only on the view's first focus;
            # without a current row the focus would not show at all.
            model = self.model()
            if (
                not self.currentIndex().isValid()
                and model is not None
                and model.rowCount()
                and event.reason() != Qt.FocusReason.MouseFocusReason
            ):
                self.selectionModel().setCurrentIndex(
                    model.index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate
                )
        finally:
            self.focus_selecting = False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and self.delegate.in_heading(
            self.visualRect(index), index, event.position().y()
        ):
            event.accept()  # a heading is not a row: nothing to select
            return
        self.pointer_selecting = True
        try:
            super().mousePressEvent(event)
        finally:
            self.pointer_selecting = False

    def _on_context_menu(self, pos: Any) -> None:
        index = self.indexAt(pos)
        conversation = index.data(ConversationRole) if index.isValid() else None
        if not isinstance(conversation, Conversation):
            return
        menu = QMenu(self)
        menu.addAction(_("Rename…"), lambda: self.rename_requested.emit(conversation.id))
        menu.addAction(
            _("Unpin") if conversation.pinned else _("Pin to top"),
            lambda: self.pin_requested.emit(conversation.id, not conversation.pinned),
        )
        # TRANSLATORS: a context-menu item of a conversation: save it to a file.
        menu.addAction(_("Export…"), lambda: self.export_requested.emit(conversation.id))
        menu.addSeparator()
        # TRANSLATORS: a context-menu item of a conversation in the sidebar.
        menu.addAction(_("Delete"), lambda: self.delete_requested.emit(conversation.id))
        menu.exec(self.viewport().mapToGlobal(pos))
