"""The item data roles of the sidebar's list, shared by its model and its delegate."""

from __future__ import annotations

from PySide6.QtCore import Qt

ConversationRole = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`~kimi_desktop.domain.Conversation`."""
SnippetRole = Qt.ItemDataRole.UserRole + 2
"""A search result's message snippet, its matches marked as the store marks them."""
GroupRole = Qt.ItemDataRole.UserRole + 3
"""The date heading drawn above this row (on the first row of each group only)."""
TitleMatchRole = Qt.ItemDataRole.UserRole + 4
"""A search result's title with its matches marked, when the title matched."""
MessageIdRole = Qt.ItemDataRole.UserRole + 5
"""The message a search result opens at (0: none, the title matched)."""
