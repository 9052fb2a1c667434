"""What the sidebar shows: empty states, snippets without marker characters, a chat
created during a search, and a focus ring that shows in both themes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QPalette

from kimi_desktop.ui.shell.style import apply_style
from kimi_desktop.ui.sidebar.conversation_delegate import FOCUS_RING_WIDTH, MARGIN_X
from kimi_desktop.ui.sidebar.conversation_list import (
    ConversationRole,
    GroupRole,
    MessageIdRole,
    SnippetRole,
    TitleMatchRole,
)
from tests.loop_support import run_until
from tests.ui.sidebar.conftest import Desk

MARKS = ("\x02", "\x03")


def search(desk: Desk, qloop, text: str) -> None:
    desk.sidebar.search.setText(text)
    desk.sidebar.refresh()
    run_until(
        qloop,
        lambda: desk.sidebar.model.searching and desk.sidebar._searching_for is None,
    )


def test_no_chats_yet_then_the_list(desk: Desk) -> None:
    sidebar = desk.sidebar
    sidebar.refresh()
    assert sidebar.empty_label.isVisible()
    assert sidebar.empty_label.text() == "No chats yet"
    desk.chat("First", "hello")
    sidebar.refresh()
    assert not sidebar.empty_label.isVisible()
    assert sidebar.model.rowCount() == 1


def test_no_matches_for_an_empty_search(desk: Desk, qloop) -> None:
    desk.chat("First", "hello")
    desk.sidebar.refresh()
    search(desk, qloop, "zyxwvut")
    assert desk.sidebar.model.rowCount() == 0
    assert desk.sidebar.empty_label.isVisible()
    assert desk.sidebar.empty_label.text() == "No matches"
    search(desk, qloop, "hello")
    assert not desk.sidebar.empty_label.isVisible()


def test_results_carry_the_snippet_and_no_marker_reaches_any_text(desk: Desk, qloop) -> None:
    chinese = desk.chat("中文", "我们讨论一下模型的训练数据和代码结构")
    english = desk.chat("Model notes", "which model fits? <b>model</b> two")
    desk.sidebar.refresh()
    search(desk, qloop, "模型")
    model = desk.sidebar.model
    assert model.rowCount() == 1
    index = model.index(0)
    assert index.data(ConversationRole).id == chinese
    assert index.data(SnippetRole) == "我们讨论一下\x02模型\x03的训练数据和代码结构"
    assert index.data(MessageIdRole) == desk.message_id(
        chinese, "我们讨论一下模型的训练数据和代码结构"
    )

    search(desk, qloop, "model")
    assert [model.conversation_at(r).id for r in range(model.rowCount())] == [english]
    index = model.index(0)
    assert index.data(TitleMatchRole) == "\x02Model\x03 notes"  # the title matched ...
    assert index.data(SnippetRole).count("\x02") == 2  # ... and so did a message
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleDescriptionRole,
    ):
        text = index.data(role)
        assert isinstance(text, str)
        assert not any(mark in text for mark in MARKS), role
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Model notes: which model fits? <b>model</b> two"
    )


def test_a_result_row_draws_its_match_highlighted(desk: Desk, qloop) -> None:
    desk.chat("Notes", "plain words around the needle and more words")
    desk.sidebar.refresh()
    search(desk, qloop, "needle")
    view = desk.sidebar.list
    view.selectionModel().clear()
    view.selectionModel().setCurrentIndex(
        desk.sidebar.model.index(0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    desk.composer.setFocus()  # no focus ring, no selection: only the tint stands out
    rect = view.visualRect(desk.sidebar.model.index(0))
    image = view.viewport().grab(rect).toImage()
    highlight = view.palette().color(QPalette.ColorRole.Highlight)
    background = image.pixelColor(1, image.height() - 2)
    tinted = {
        (x, y)
        for y in range(image.height() // 2, image.height())
        for x in range(image.width())
        if _blue_shift(image.pixelColor(x, y), background, highlight)
    }
    assert tinted  # the second line has the tint behind the match
    assert all(y >= image.height() // 2 for _x, y in tinted)


def _blue_shift(colour: QColor, background: QColor, highlight: QColor) -> bool:
    """Whether ``colour`` is the background moved towards the highlight colour."""
    towards = [highlight.red() - background.red(), highlight.blue() - background.blue()]
    moved = [colour.red() - background.red(), colour.blue() - background.blue()]
    return colour.saturation() > background.saturation() + 20 and all(
        m * t > 0 for m, t in zip(moved, towards, strict=True)
    )


def test_a_chat_created_during_a_search_clears_it_and_shows_the_chat(desk: Desk, qloop) -> None:
    desk.chat("Rust", "borrow checker")
    desk.chat("Qt", "layouts")
    desk.sidebar.refresh()
    search(desk, qloop, "borrow")
    assert desk.sidebar.model.rowCount() == 1

    created = desk.history.create(endpoint_id=None, model=None)  # the first message was sent
    desk.sidebar.set_current(created.id)  # and the window opened it
    sidebar = desk.sidebar
    assert sidebar.search.text() == ""
    assert not sidebar.model.searching
    assert sidebar.model.row_of(created.id) == 0
    assert sidebar.list.currentIndex().row() == 0
    assert sidebar.list.selectionModel().isSelected(sidebar.model.index(0))


def test_a_restored_chat_does_not_clear_the_search(desk: Desk, qloop) -> None:
    """Undo brings an old chat back: that is not a new chat, the search stays."""
    rust = desk.chat("Rust", "borrow checker")
    desk.chat("Qt", "layouts")
    desk.sidebar.refresh()
    desk.history.delete(rust)
    search(desk, qloop, "layouts")
    desk.history.restore(rust)
    run_until(qloop, lambda: desk.sidebar._searching_for is None)
    assert desk.sidebar.search.text() == "layouts"
    assert desk.sidebar.model.searching


@pytest.mark.usefixtures("restore_style")
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_keyboard_focus_shows_on_the_list(desk: Desk, qapp, qtbot, dark: bool) -> None:
    apply_style(qapp, dark)
    for title in ("One", "Two", "Three"):
        desk.chat(title, "text")
    sidebar = desk.sidebar
    sidebar.refresh()
    view = sidebar.list
    model = sidebar.model
    palette = view.palette()
    highlight = palette.color(QPalette.ColorRole.Highlight)
    selected_text = palette.color(QPalette.ColorRole.HighlightedText)

    def ring_pixel(row: int) -> QColor:
        rect = view.visualRect(model.index(row))
        top = rect.top() + (
            sidebar.list.delegate.heading_height() if model.index(row).data(GroupRole) else 0
        )
        y = (top + rect.bottom()) // 2
        return view.viewport().grab().toImage().pixelColor(MARGIN_X + FOCUS_RING_WIDTH // 2, y)

    def ring_pixel_outside(row: int) -> QColor:
        rect = view.visualRect(model.index(row))
        return view.viewport().grab().toImage().pixelColor(0, rect.bottom() - 2)

    sidebar.set_current(model.conversation_at(1).id)  # selected: filled with the highlight
    desk.composer.setFocus()
    qtbot.waitUntil(lambda: not view.hasFocus())
    unfocused = ring_pixel(1)
    assert _near(unfocused, highlight)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    assert _near(ring_pixel(1), selected_text)  # a light ring inside the selection

    # A new chat is open (nothing selected) and Tab brings the keyboard into the
    # list: its first row gets a ring in the highlight colour, and opens nothing.
    desk.composer.setFocus()
    qtbot.waitUntil(lambda: not view.hasFocus())
    sidebar.set_current(None)
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    assert view.currentIndex().row() == 0
    assert not view.selectionModel().isSelected(model.index(0))
    assert desk.opened == []
    background = ring_pixel_outside(0)
    assert _near(ring_pixel(0), highlight)
    assert not _near(background, highlight)
    desk.composer.setFocus()
    qtbot.waitUntil(lambda: not view.hasFocus())
    assert _near(ring_pixel(0), background)


def _near(a: QColor, b: QColor, tolerance: int = 60) -> bool:
    return (
        abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance
    )
