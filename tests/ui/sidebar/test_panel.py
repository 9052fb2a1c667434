"""Sidebar search: off the GUI thread, and only the newest query's results are shown."""

from __future__ import annotations

import threading

from kimi_desktop.services.history import HistoryService
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database
from kimi_desktop.ui.sidebar.panel import Sidebar
from tests.loop_support import run_until


def test_search_runs_in_a_worker_and_shows_the_newest_querys_hits(
    qtbot, qloop, tmp_path, monkeypatch
) -> None:
    repo = ConversationRepository(Database.open(tmp_path / "h.sqlite3"))
    for title in ("Qt layouts", "Qt signals", "Rust lifetimes"):
        conversation = repo.create_conversation()
        repo.add_message(conversation.id, "user", title)
        repo.rename(conversation.id, title)
    history = HistoryService(repo)
    searched_on: list[threading.Thread] = []
    search = history.search

    def recording_search(query: str):
        searched_on.append(threading.current_thread())
        return search(query)

    monkeypatch.setattr(history, "search", recording_search)
    sidebar = Sidebar(history)
    qtbot.addWidget(sidebar)

    sidebar.search.setText("Qt")
    sidebar.refresh()  # the search for "Qt" starts ...
    sidebar.search.setText("Rust")  # ... and the user types on before it answers
    sidebar.refresh()
    run_until(qloop, lambda: len(searched_on) == 2 and sidebar.model.rowCount() == 1)
    run_until(qloop, lambda: not sidebar._search_timer.isActive())
    assert sidebar.model.index(0).data() == "Rust lifetimes"
    assert threading.main_thread() not in searched_on
