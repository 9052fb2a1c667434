"""A sidebar next to a stand-in composer, wired the way the main window wires them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from kimi_desktop.services.history import HistoryService
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database
from kimi_desktop.ui.sidebar.panel import Sidebar

#: The sidebar's clock: noon on a fixed day, so date headings never depend on today.
NOW = float(QDateTime(QDate(2026, 3, 10), QTime(12, 0)).toSecsSinceEpoch())


class StoreClock:
    """The store's clock: a minute apart per call, an hour before :data:`NOW` at first."""

    def __init__(self) -> None:
        self.now = NOW - 3600

    def __call__(self) -> float:
        self.now += 60
        return self.now


@dataclass
class Desk:
    """The sidebar, a composer beside it, and what the sidebar asked the window to do."""

    host: QWidget
    sidebar: Sidebar
    composer: QLineEdit
    repo: ConversationRepository
    history: HistoryService
    opened: list[int] = field(default_factory=list)
    results: list[tuple[int, int]] = field(default_factory=list)

    def chat(self, title: str, *texts: str) -> int:
        """A conversation with these user messages; returns its id."""
        conversation = self.repo.create_conversation(title)
        for text in texts:
            self.repo.add_message(conversation.id, "user", text)
        return conversation.id

    def message_id(self, conversation_id: int, text: str) -> int:
        return next(m.id for m in self.repo.messages(conversation_id) if m.text == text)


@pytest.fixture
def desk(qtbot, tmp_path: Path) -> Iterator[Desk]:
    database = Database.open(tmp_path / "history.sqlite3")
    repo = ConversationRepository(database, clock=StoreClock())
    history = HistoryService(repo)
    host = QWidget()
    sidebar = Sidebar(history, host, clock=lambda: NOW)
    qtbot.addWidget(host, before_close_func=lambda _host: sidebar.cancel_pending_search())
    composer = QLineEdit(host)
    composer.setObjectName("composer")
    layout = QHBoxLayout(host)
    layout.addWidget(sidebar)
    layout.addWidget(composer, 1)
    desk = Desk(host, sidebar, composer, repo, history)

    def open_conversation(conversation_id: int) -> None:
        # What MainWindow.open_conversation does: open it, then focus the composer.
        desk.opened.append(conversation_id)
        sidebar.set_current(conversation_id)
        composer.setFocus()

    sidebar.conversation_chosen.connect(open_conversation)
    sidebar.search_result_opened.connect(lambda c, m: desk.results.append((c, m)))
    sidebar.delete_requested.connect(history.delete)
    sidebar.rename_chosen.connect(history.rename)
    host.resize(700, 500)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    composer.setFocus()
    qtbot.waitUntil(composer.hasFocus)
    yield desk
    database.close()
