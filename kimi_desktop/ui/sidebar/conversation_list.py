"""The sidebar: conversations newest first (pinned on top), or search results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QListView, QMenu, QWidget

from kimi_desktop.domain import Conversation, SearchHit
from kimi_desktop.i18n import _
from kimi_desktop.ui.plain_text import marked_tooltip, one_line, plain_tooltip

ConversationRole = Qt.ItemDataRole.UserRole + 1
SnippetRole = Qt.ItemDataRole.UserRole + 2

#: A row shows at most this much of a title on its one line (the view elides it
#: to the width); the tooltip shows more, up to its own cap.
TITLE_DISPLAY_CHARS = 200

_Index = QModelIndex | QPersistentModelIndex


def age_label(when: float, now: float | None = None) -> str:
    """The time today, "Yesterday", a weekday this week, or a date: how chat apps
    group time. Day and month names follow the app's language (QLocale)."""
    then = QDateTime.fromMSecsSinceEpoch(round(when * 1000)).toLocalTime()
    if now is None:
        today = QDateTime.currentDateTime()
    else:
        today = QDateTime.fromMSecsSinceEpoch(round(now * 1000)).toLocalTime()
    locale = QLocale()
    same_year = today.date().year() == then.date().year()
    days = today.date().dayOfYear() - then.date().dayOfYear()
    if same_year and days == 0:
        return locale.toString(then.time(), "HH:mm")
    if same_year and days == 1:
        return _("Yesterday")
    if same_year and 1 < days < 7:
        return locale.dayName(then.date().dayOfWeek(), QLocale.FormatType.ShortFormat)
    if same_year:
        # TRANSLATORS: a Qt date format (QDate::toString) for a day earlier this year,
        # "05 Mar" in English; for example "M月d日".
        return locale.toString(then.date(), _("dd MMM"))
    # TRANSLATORS: a Qt date format (QDate::toString) for a day of another year,
    # "05 Mar 2024" in English; for example "yyyy年M月d日".
    return locale.toString(then.date(), _("dd MMM yyyy"))


class ConversationListModel(QAbstractListModel):
    """Conversations, or — while a search is active — the conversations that match.

    Rows carry the :class:`Conversation` under ``ConversationRole`` and, for
    search results, the matching snippet under ``SnippetRole``. Titles and
    snippets come from people and models: a row shows its title on one line,
    and tooltips show them as plain text (:mod:`kimi_desktop.ui.plain_text`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Conversation] = []
        self._snippets: dict[int, str] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        conversation = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(conversation.title, limit=TITLE_DISPLAY_CHARS) or _("New chat")
        if role == Qt.ItemDataRole.ToolTipRole:
            snippet = self._snippets.get(conversation.id)
            return marked_tooltip(snippet) if snippet else plain_tooltip(conversation.title)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            title = one_line(conversation.title, limit=TITLE_DISPLAY_CHARS) or _("New chat")
            if conversation.pinned:
                # TRANSLATORS: what a screen reader says for a conversation pinned to the top.
                return _("Pinned. {title}").format(title=title)
            return title
        if role == ConversationRole:
            return conversation
        if role == SnippetRole:
            return self._snippets.get(conversation.id)
        return None

    def set_conversations(self, conversations: Sequence[Conversation]) -> None:
        """Show every conversation (the store orders them: pinned, then newest)."""
        self.beginResetModel()
        self._rows = list(conversations)
        self._snippets = {}
        self.endResetModel()

    def set_search_results(
        self, hits: Sequence[SearchHit], conversations: dict[int, Conversation]
    ) -> None:
        """Show the conversations that match, each once, best match first."""
        self.beginResetModel()
        self._rows, self._snippets = [], {}
        for hit in hits:
            if hit.conversation_id in self._snippets or hit.conversation_id not in conversations:
                continue
            self._snippets[hit.conversation_id] = hit.snippet
            self._rows.append(conversations[hit.conversation_id])
        self.endResetModel()

    def row_of(self, conversation_id: int) -> int:
        """The row showing a conversation, or -1."""
        return next((i for i, c in enumerate(self._rows) if c.id == conversation_id), -1)

    def conversation_at(self, row: int) -> Conversation | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def update_conversation(self, conversation: Conversation) -> None:
        """Refresh one row in place (title, pin) without resetting the view."""
        row = self.row_of(conversation.id)
        if row >= 0:
            self._rows[row] = conversation
            index = self.index(row)
            self.dataChanged.emit(index, index)


class ConversationListView(QListView):
    """The list widget with its context menu.

    Signals:
        rename_requested(int), pin_requested(int, bool), delete_requested(int)
    """

    rename_requested = Signal(int)
    pin_requested = Signal(int, bool)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationList")
        self.setAccessibleName(_("Conversations"))
        self.setUniformItemSizes(True)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self.setIconSize(QSize(12, 12))
        delete = QAction(_("Delete conversation"), self)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self._on_delete_shortcut)
        self.addAction(delete)
        rename = QAction(_("Rename conversation"), self)
        rename.setShortcut(QKeySequence(Qt.Key.Key_F2))
        rename.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        rename.triggered.connect(self._on_rename_shortcut)
        self.addAction(rename)

    def _current(self) -> Conversation | None:
        index = self.currentIndex()
        value = index.data(ConversationRole) if index.isValid() else None
        return value if isinstance(value, Conversation) else None

    def _on_delete_shortcut(self) -> None:
        if (conversation := self._current()) is not None:
            self.delete_requested.emit(conversation.id)

    def _on_rename_shortcut(self) -> None:
        if (conversation := self._current()) is not None:
            self.rename_requested.emit(conversation.id)

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
        menu.addSeparator()
        # TRANSLATORS: a context-menu item of a conversation in the sidebar.
        menu.addAction(_("Delete"), lambda: self.delete_requested.emit(conversation.id))
        menu.exec(self.viewport().mapToGlobal(pos))
