"""Conversations under date headings (pinned first), from an injected clock; headings are
drawn above rows, so they can be neither selected nor stopped on by the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime

from kimi_desktop.domain import Conversation, SearchHit
from kimi_desktop.ui.sidebar.conversation_list import (
    ConversationListModel,
    ConversationListView,
    GroupRole,
)
from kimi_desktop.ui.sidebar.date_groups import DateGroup, date_group

TODAY = QDate(2026, 3, 10)


def at(day: QDate, hour: int = 12, minute: int = 0) -> float:
    """A Unix time on ``day`` in the local time zone, as the clock and the store give."""
    return float(QDateTime(day, QTime(hour, minute)).toSecsSinceEpoch())


NOW = at(TODAY, 0, 10)  # ten past midnight: yesterday evening is already "Yesterday"


def chat(conversation_id: int, updated_at: float, *, pinned: bool = False) -> Conversation:
    return Conversation(
        id=conversation_id,
        title=f"chat {conversation_id}",
        created_at=updated_at,
        updated_at=updated_at,
        pinned=pinned,
    )


@pytest.mark.parametrize(
    ("when", "group"),
    [
        (at(TODAY, 0, 5), DateGroup.TODAY),
        (at(TODAY.addDays(1)), DateGroup.TODAY),  # the clock was set back since
        (at(TODAY.addDays(-1), 23, 50), DateGroup.YESTERDAY),
        (at(TODAY.addDays(-1), 0, 0), DateGroup.YESTERDAY),
        (at(TODAY.addDays(-2)), DateGroup.PREVIOUS_7_DAYS),
        (at(TODAY.addDays(-7), 0, 1), DateGroup.PREVIOUS_7_DAYS),
        (at(TODAY.addDays(-8)), DateGroup.PREVIOUS_30_DAYS),
        (at(TODAY.addDays(-30)), DateGroup.PREVIOUS_30_DAYS),
        (at(TODAY.addDays(-31)), DateGroup.OLDER),
        (at(QDate(2019, 1, 1)), DateGroup.OLDER),
    ],
)
def test_calendar_days_decide_the_group(when: float, group: DateGroup) -> None:
    assert date_group(when, TODAY) is group
    assert date_group(when, TODAY, pinned=True) is DateGroup.PINNED


def test_headings_go_on_the_first_row_of_each_group(qtbot) -> None:
    model = ConversationListModel(clock=lambda: NOW)
    # The store's order: pinned, then most recently used first.
    model.set_conversations(
        [
            chat(1, at(TODAY.addDays(-90)), pinned=True),
            chat(2, at(TODAY, 0, 1)),
            chat(3, at(TODAY.addDays(-1), 23, 50)),
            chat(4, at(TODAY.addDays(-1), 8)),
            chat(5, at(TODAY.addDays(-3))),
            chat(6, at(TODAY.addDays(-12))),
            chat(7, at(TODAY.addDays(-400))),
        ]
    )
    headings = [model.index(row).data(GroupRole) for row in range(model.rowCount())]
    assert headings == [
        DateGroup.PINNED,
        DateGroup.TODAY,
        DateGroup.YESTERDAY,
        None,
        DateGroup.PREVIOUS_7_DAYS,
        DateGroup.PREVIOUS_30_DAYS,
        DateGroup.OLDER,
    ]
    assert [h.title for h in headings if h] == [
        "Pinned",
        "Today",
        "Yesterday",
        "Previous 7 days",
        "Previous 30 days",
        "Older",
    ]
    # Rows are conversations only: screen readers hear the heading as the description.
    assert model.rowCount() == 7
    assert model.index(3).data(Qt.ItemDataRole.AccessibleDescriptionRole) == "Yesterday"


def test_the_clock_decides_what_today_is() -> None:
    conversations = [chat(1, at(TODAY, 9))]
    model = ConversationListModel(clock=lambda: at(TODAY.addDays(1), 9))
    model.set_conversations(conversations)
    assert model.index(0).data(GroupRole) is DateGroup.YESTERDAY


def test_search_results_have_no_headings() -> None:
    model = ConversationListModel(clock=lambda: NOW)
    model.set_search_results(
        [SearchHit(conversation_id=1, message_id=3, title="t", snippet="\x02t\x03")],
        {1: chat(1, at(TODAY))},
    )
    assert model.index(0).data(GroupRole) is None


@pytest.fixture
def grouped(qtbot) -> tuple[ConversationListModel, ConversationListView]:
    view = ConversationListView()
    qtbot.addWidget(view)
    model = ConversationListModel(view, clock=lambda: NOW)
    view.setModel(model)
    model.set_conversations(
        [
            chat(1, at(TODAY, 0, 2)),
            chat(2, at(TODAY, 0, 1)),
            chat(3, at(TODAY.addDays(-1))),
            chat(4, at(TODAY.addDays(-2))),
        ]
    )
    view.resize(240, 400)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    return model, view


def test_the_keyboard_moves_from_row_to_row_across_headings(grouped, qtbot) -> None:
    model, view = grouped
    view.setCurrentIndex(model.index(0))
    visited = []
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Down)
        visited.append(view.currentIndex().row())
    assert visited == [1, 2, 3, 3]  # every stop a conversation, none a heading
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == 0
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == 3
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 0


def test_clicking_a_heading_selects_nothing(grouped, qtbot) -> None:
    model, view = grouped
    view.setCurrentIndex(model.index(0))
    yesterday = view.visualRect(model.index(2))
    heading_y = yesterday.top() + view.delegate.heading_height() // 2
    assert model.index(2).data(GroupRole) is DateGroup.YESTERDAY
    assert view.indexAt(QPoint(20, heading_y)) == model.index(2)  # the band is the row's

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, heading_y))
    assert view.currentIndex().row() == 0
    assert [i.row() for i in view.selectionModel().selectedRows()] == [0]

    below = QPoint(20, yesterday.bottom() - 4)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=below)
    assert view.currentIndex().row() == 2  # the row itself, under its heading
