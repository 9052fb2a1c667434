"""The sidebar by keyboard: search, move into the results, open, leave; Delete and F2
wherever the focus is in the sidebar, however often it went elsewhere."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog

from tests.loop_support import run_until
from tests.ui.sidebar.conftest import Desk


def three_chats(desk: Desk) -> tuple[int, int, int]:
    rust = desk.chat("Rust lifetimes", "borrow checker questions")
    layouts = desk.chat("Qt layouts", "how do Qt layouts stretch?")
    signals = desk.chat("Signals", "connecting Qt signals to slots")
    desk.sidebar.refresh()
    return rust, layouts, signals


def search_for(desk: Desk, qtbot, qloop, text: str, rows: int) -> None:
    """Ctrl+K's effect, typing, then waiting for the results."""
    desk.sidebar.focus_search()
    qtbot.keyClicks(desk.sidebar.search, text)
    run_until(
        qloop,
        lambda: (
            desk.sidebar.model.searching
            and desk.sidebar.model.rowCount() == rows
            and desk.sidebar._searching_for is None
        ),
    )


def test_type_down_down_enter_opens_the_result_at_its_message(desk: Desk, qtbot, qloop) -> None:
    _rust, layouts, signals = three_chats(desk)
    search_for(desk, qtbot, qloop, "qt", rows=2)
    sidebar = desk.sidebar
    assert sidebar.search.hasFocus()
    assert sidebar.list.currentIndex().row() == 0  # what Enter in the box would open

    qtbot.keyClick(sidebar.search, Qt.Key.Key_Down)
    assert sidebar.list.hasFocus()
    assert sidebar.list.currentIndex().row() == 0
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Down)
    assert sidebar.list.currentIndex().row() == 1
    assert desk.opened == []  # moving through results opens nothing

    second = sidebar.model.conversation_at(1)
    assert second is not None
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Return)
    assert desk.opened == [second.id]
    expected_message = {
        layouts: desk.message_id(layouts, "how do Qt layouts stretch?"),
        signals: desk.message_id(signals, "connecting Qt signals to slots"),
    }[second.id]
    assert desk.results == [(second.id, expected_message)]


def test_enter_in_the_search_box_opens_the_top_result_even_before_it_arrives(
    desk: Desk, qtbot, qloop
) -> None:
    _rust, _layouts, signals = three_chats(desk)
    desk.sidebar.focus_search()
    qtbot.keyClicks(desk.sidebar.search, "slots")
    qtbot.keyClick(desk.sidebar.search, Qt.Key.Key_Return)  # before the search ran
    run_until(qloop, lambda: desk.opened == [signals])
    assert desk.results == [(signals, desk.message_id(signals, "connecting Qt signals to slots"))]


def test_a_click_on_a_result_opens_it_too(desk: Desk, qtbot, qloop) -> None:
    rust, _layouts, _signals = three_chats(desk)
    search_for(desk, qtbot, qloop, "borrow", rows=1)
    view = desk.sidebar.list
    rect = view.visualRect(desk.sidebar.model.index(0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert desk.opened == [rust]
    assert desk.results == [(rust, desk.message_id(rust, "borrow checker questions"))]


def test_a_title_match_opens_without_a_message(desk: Desk, qtbot, qloop) -> None:
    rust, _layouts, _signals = three_chats(desk)
    search_for(desk, qtbot, qloop, "lifetimes", rows=1)
    qtbot.keyClick(desk.sidebar.search, Qt.Key.Key_Return)
    assert desk.results == [(rust, 0)]


def test_escape_clears_the_search_and_gives_the_focus_back(desk: Desk, qtbot, qloop) -> None:
    three_chats(desk)
    sidebar = desk.sidebar
    search_for(desk, qtbot, qloop, "qt", rows=2)
    qtbot.keyClick(sidebar.search, Qt.Key.Key_Escape)
    assert sidebar.search.text() == ""
    assert not sidebar.model.searching
    assert sidebar.model.rowCount() == 3
    assert desk.composer.hasFocus()

    # From inside the results as well.
    search_for(desk, qtbot, qloop, "qt", rows=2)
    qtbot.keyClick(sidebar.search, Qt.Key.Key_Down)
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Escape)
    assert sidebar.search.text() == ""
    assert sidebar.model.rowCount() == 3
    assert desk.composer.hasFocus()
    assert desk.opened == []


def test_escape_with_nothing_to_clear_is_the_windows(desk: Desk, qtbot, qloop) -> None:
    """Esc in an empty search box, or in the list, still stops a reply (the window's Esc)."""
    three_chats(desk)
    pressed: list[bool] = []
    QShortcut(QKeySequence("Esc"), desk.host, lambda: pressed.append(True))
    sidebar = desk.sidebar
    sidebar.focus_search()
    qtbot.keyClick(sidebar.search, Qt.Key.Key_Escape)
    assert pressed == [True]

    search_for(desk, qtbot, qloop, "qt", rows=2)
    qtbot.keyClick(sidebar.search, Qt.Key.Key_Escape)
    assert pressed == [True]  # that Esc cleared the search; the window never saw it
    sidebar.list.setFocus()
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Escape)
    assert pressed == [True, True]


def test_arrow_keys_open_chats_and_keep_the_focus_in_the_list(desk: Desk, qtbot) -> None:
    rust, layouts, signals = three_chats(desk)
    sidebar = desk.sidebar
    sidebar.set_current(signals)
    sidebar.list.setFocus()
    qtbot.waitUntil(sidebar.list.hasFocus)

    qtbot.keyClick(sidebar.list, Qt.Key.Key_Down)
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Down)
    assert desk.opened == [layouts, rust]
    assert sidebar.list.hasFocus()  # though opening a chat focuses its composer


def test_delete_and_f2_keep_working_after_the_focus_went_elsewhere(
    desk: Desk, qtbot, monkeypatch
) -> None:
    rust, layouts, signals = three_chats(desk)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Renamed", True))
    sidebar = desk.sidebar
    view = sidebar.list

    # A click opens the chat and the window sends the focus to the composer ...
    rect = view.visualRect(sidebar.model.index(sidebar.model.row_of(layouts)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert desk.opened == [layouts]
    assert desk.composer.hasFocus()
    # ... and back in the sidebar, by Ctrl+K, F2 and Delete act on that chat.
    sidebar.focus_search()
    qtbot.keyClick(sidebar.search, Qt.Key.Key_F2)
    assert desk.history.conversation(layouts).title == "Renamed"
    qtbot.keyClick(sidebar.search, Qt.Key.Key_Delete)
    assert layouts not in [c.id for c in desk.history.conversations()]

    # Into the list by Tab from the composer, several times over.
    for expected in (signals, rust):
        sidebar.set_current(expected)
        desk.composer.setFocus()
        qtbot.waitUntil(desk.composer.hasFocus)
        view.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(view.hasFocus)
        qtbot.keyClick(view, Qt.Key.Key_Delete)
        assert expected not in [c.id for c in desk.history.conversations()]
    assert desk.history.conversations() == []


def test_delete_in_a_search_box_with_text_edits_the_text(desk: Desk, qtbot) -> None:
    three_chats(desk)
    sidebar = desk.sidebar
    sidebar.set_current(sidebar.model.conversation_at(0).id)
    sidebar.focus_search()
    qtbot.keyClicks(sidebar.search, "qtx")
    qtbot.keyClick(sidebar.search, Qt.Key.Key_Left)
    qtbot.keyClick(sidebar.search, Qt.Key.Key_Delete)
    assert sidebar.search.text() == "qt"
    assert len(desk.history.conversations()) == 3


def test_typing_in_the_list_searches(desk: Desk, qtbot, qloop) -> None:
    three_chats(desk)
    sidebar = desk.sidebar
    sidebar.list.setFocus()
    qtbot.waitUntil(sidebar.list.hasFocus)
    qtbot.keyClicks(sidebar.list, "bo")
    assert sidebar.search.hasFocus()
    qtbot.keyClicks(sidebar.search, "rrow")
    assert sidebar.search.text() == "borrow"
    run_until(qloop, lambda: sidebar.model.searching and sidebar.model.rowCount() == 1)
    assert desk.opened == []


def test_after_a_delete_the_keyboard_is_on_the_next_chat(desk: Desk, qtbot) -> None:
    rust, layouts, signals = three_chats(desk)
    sidebar = desk.sidebar
    view = sidebar.list
    sidebar.set_current(signals)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [c.id for c in desk.history.conversations()] == [layouts, rust]
    sidebar.set_current(None)  # the window opens a new chat in place of the deleted one
    assert view.hasFocus()
    assert view.current_conversation().id == layouts  # where the deleted one was
    assert desk.opened == []
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [c.id for c in desk.history.conversations()] == [rust]


def test_a_click_opens_the_row_that_was_current_but_not_open(desk: Desk, qtbot) -> None:
    """At start the list's first row becomes current when the list takes the focus,
    without opening; clicking it must open it."""
    rust, _layouts, signals = three_chats(desk)
    sidebar = desk.sidebar
    first = sidebar.model.index(0, 0)
    sidebar.list.focus_selecting = True  # what taking the focus does
    sidebar.list.setCurrentIndex(first)
    sidebar.list.focus_selecting = False
    assert desk.opened == []

    row = sidebar.list.visualRect(first)  # its date heading is drawn in its top part
    qtbot.mouseClick(
        sidebar.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(row.center().x(), row.bottom() - 4),
    )
    assert desk.opened == [signals]  # newest first
    assert rust not in desk.opened
