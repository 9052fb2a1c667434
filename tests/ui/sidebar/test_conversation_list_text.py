"""Titles and search snippets in the sidebar: one elided line, plain-text tooltips."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QStyleOptionViewItem

from kimi_desktop.domain import Conversation, SearchHit
from kimi_desktop.services.history import HistoryService
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database
from kimi_desktop.ui.plain_text import MAX_TOOLTIP_CHARS
from kimi_desktop.ui.sidebar.conversation_list import (
    TITLE_DISPLAY_CHARS,
    ConversationListModel,
    ConversationListView,
)
from kimi_desktop.ui.sidebar.panel import Sidebar
from tests.loop_support import run_until

HOSTILE_TITLE = '<img src="file:///etc/passwd"><b>Bold</b> <a href="https://evil.example">x</a>'
TOOLTIP = Qt.ItemDataRole.ToolTipRole
DISPLAY = Qt.ItemDataRole.DisplayRole


def shown(tooltip: str) -> str:
    """What Qt draws for ``tooltip``: it renders rich text when it guesses the text is."""
    if not GuiQt.mightBeRichText(tooltip):
        return tooltip
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def conversation(conversation_id: int, title: str) -> Conversation:
    return Conversation(id=conversation_id, title=title, created_at=0.0, updated_at=0.0)


@pytest.fixture
def listed(qtbot) -> tuple[ConversationListModel, ConversationListView]:
    view = ConversationListView()
    qtbot.addWidget(view)
    model = ConversationListModel(view)
    view.setModel(model)
    view.resize(240, 400)
    view.show()
    qtbot.waitExposed(view)
    return model, view


def test_a_title_with_markup_is_shown_as_text(listed) -> None:
    model, _view = listed
    model.set_conversations([conversation(1, HOSTILE_TITLE)])
    index = model.index(0)
    assert index.data(DISPLAY) == HOSTILE_TITLE
    assert shown(index.data(TOOLTIP)) == HOSTILE_TITLE


def test_a_snippet_with_markup_is_shown_as_text_with_the_match_in_bold(listed) -> None:
    model, _view = listed
    snippet = "see \x02<b>alert</b>\x03 and <img src=x>"
    model.set_search_results(
        [SearchHit(conversation_id=1, message_id=5, title="t", snippet=snippet)],
        {1: conversation(1, "t")},
    )
    tooltip = model.index(0).data(TOOLTIP)
    assert shown(tooltip) == "see <b>alert</b> and <img src=x>"
    assert "\x02" not in tooltip
    assert "<b>&lt;b&gt;alert&lt;/b&gt;</b>" in tooltip


def test_a_ten_thousand_character_title_shows_elided_on_one_line(listed) -> None:
    model, view = listed
    long_title = "Very long title " + "x" * 10_000
    # The first row carries its date heading; the others are rows alike.
    model.set_conversations(
        [conversation(3, "First"), conversation(1, long_title), conversation(2, "Short")]
    )
    long_index, short_index = model.index(1), model.index(2)

    display = long_index.data(DISPLAY)
    assert "\n" not in display
    assert display.startswith("Very long title xxx")
    assert len(display) == TITLE_DISPLAY_CHARS
    # One line, cut at the right edge: the view elides, and never wraps.
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
    assert not view.wordWrap()
    option = QStyleOptionViewItem()
    option.initFrom(view)
    delegate = view.itemDelegate()
    assert (
        delegate.sizeHint(option, long_index).height()
        == delegate.sizeHint(option, short_index).height()
    )
    # The tooltip has more of the title, capped.
    tooltip_text = shown(long_index.data(TOOLTIP))
    assert tooltip_text.startswith("Very long title xxx")
    assert tooltip_text.endswith("…")
    assert len(tooltip_text) == MAX_TOOLTIP_CHARS


def test_a_title_with_line_breaks_shows_on_one_line(listed) -> None:
    model, view = listed
    model.set_conversations(
        [conversation(3, "y"), conversation(1, "first\nsecond\r\nthird"), conversation(2, "x")]
    )
    assert model.index(1).data(DISPLAY) == "first second third"
    option = QStyleOptionViewItem()
    option.initFrom(view)
    delegate = view.itemDelegate()
    assert (
        delegate.sizeHint(option, model.index(1)).height()
        == delegate.sizeHint(option, model.index(2)).height()
    )
    assert shown(model.index(1).data(TOOLTIP)) == "first\nsecond\nthird"


def test_search_results_from_the_store_have_plain_tooltips(qtbot, qloop, tmp_path) -> None:
    with Database.open(tmp_path / "h.sqlite3") as db:
        repo = ConversationRepository(db)
        chat = repo.create_conversation("<i>Markup</i> chat")
        repo.add_message(chat.id, "user", "how do I write <script>alert(1)</script> safely?")
        sidebar = Sidebar(HistoryService(repo))
        qtbot.addWidget(sidebar)

        sidebar.search.setText("script")
        sidebar.refresh()
        run_until(qloop, lambda: sidebar.model.rowCount() == 1)
        tooltip = sidebar.model.index(0).data(TOOLTIP)
        assert shown(tooltip) == "how do I write <script>alert(1)</script> safely?"
        assert sidebar.model.index(0).data(DISPLAY) == "<i>Markup</i> chat"
        sidebar.cancel_pending_search()


def test_rows_are_measured_again_in_a_larger_font(listed) -> None:
    model, view = listed
    model.set_conversations([conversation(2, "with heading"), conversation(1, "plain")])
    option = QStyleOptionViewItem()
    option.initFrom(view)
    delegate = view.itemDelegate()
    heading_row, plain_row = model.index(0), model.index(1)
    small = delegate.sizeHint(option, plain_row).height()
    assert delegate.sizeHint(option, heading_row).height() > small  # the heading above it
    option.font.setPointSizeF(option.font.pointSizeF() * 2)
    assert delegate.sizeHint(option, plain_row).height() > small
