"""Getting around the chat: a revealed message, "Jump to latest", the keyboard and focus."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kimi_desktop.domain import MessageStatus
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.view import HIGHLIGHT_SECONDS, ChatView
from tests.ui.colours import contrast, distance


@pytest.fixture
def view(make_view, clock) -> ChatView:
    return make_view(clock=clock)


def conversation(count: int) -> list[MessageItem]:
    items = []
    for i in range(1, count + 1):
        if i % 2:
            items.append(MessageItem(i, "user", f"Question {i}: how do I do thing {i}?"))
        else:
            text = f"Answer {i}.\n\n" + "Some explanation that goes on. " * (i % 7 + 3)
            items.append(MessageItem(i, "assistant", text, model="kimi-k2.5"))
    return items


def top_in_viewport(view: ChatView, message_id: int) -> int:
    widget = view.message_widget(message_id)
    assert widget is not None
    assert widget.isVisible()
    return widget.geometry().top()


def pixel(view: ChatView, point: QPoint) -> QColor:
    return view.viewport().grab().toImage().pixelColor(point)


# -- reveal_message --------------------------------------------------------------------


def test_a_revealed_message_sits_a_quarter_down_and_stays_while_rows_are_measured(
    view, qtbot
) -> None:
    view.set_messages(conversation(200))
    assert view.reveal_message(41)
    quarter = view.viewport().height() // 4
    assert top_in_viewport(view, 41) == quarter
    assert not view.is_following()
    # Rows above it are measured on later turns; it does not move.
    qtbot.wait(50)
    assert top_in_viewport(view, 41) == quarter
    assert view.highlighted_ids() == [41]


def test_reveal_is_applied_again_on_the_next_turn(view, qtbot) -> None:
    view.set_messages(conversation(120))
    view.reveal_message(7)
    # Something laid the view out at the wrong place before the next turn.
    view.verticalScrollBar().blockSignals(True)
    view._top = 0
    view.verticalScrollBar().blockSignals(False)
    qtbot.waitUntil(lambda: top_in_viewport(view, 7) == view.viewport().height() // 4)


def test_revealing_stops_following_a_streaming_reply(view, qtbot) -> None:
    view.set_messages(conversation(60))
    view.append_message(MessageItem(61, "user", "One more"))
    view.append_message(MessageItem(62, "assistant", "", status=MessageStatus.STREAMING))
    view.reveal_message(21)
    for _ in range(20):
        view.append_content(62, "More text arrives, line after line.\n\n")
    qtbot.waitUntil(lambda: "More text" in (view._rows.find(62).item.text))
    qtbot.wait(60)  # flushes happen; the revealed message must not move
    assert top_in_viewport(view, 21) == view.viewport().height() // 4
    assert not view.is_following()


def test_an_unknown_message_is_not_revealed(view) -> None:
    view.set_messages(conversation(10))
    assert not view.reveal_message(0)
    assert not view.reveal_message(999)
    assert view.is_following()
    assert view.highlighted_ids() == []


def test_the_highlight_ends_after_a_moment_on_the_views_clock(view, clock, qtbot) -> None:
    view.set_messages(conversation(80))
    view.reveal_message(31)
    widget = view.message_widget(31)
    assert widget is not None
    # A tint behind the message, reaching into the margin beside it.
    beside = QPoint(widget.geometry().left() - 6, widget.geometry().center().y())
    highlight = MessageStyle.for_dark(view.is_dark()).highlight
    assert distance(pixel(view, beside), highlight) < 4

    timer = view._highlight_timer
    assert timer.isActive()
    assert timer.interval() == int(HIGHLIGHT_SECONDS * 1000)
    clock.now += HIGHLIGHT_SECONDS / 2
    timer.timeout.emit()  # too early: still highlighted
    assert view.highlighted_ids() == [31]
    clock.now += HIGHLIGHT_SECONDS
    timer.timeout.emit()
    assert view.highlighted_ids() == []
    qtbot.waitUntil(lambda: distance(pixel(view, beside), highlight) > 4)


def test_the_highlight_belongs_to_the_row_not_to_a_reused_widget(view, qtbot) -> None:
    view.set_messages(conversation(200))
    view.reveal_message(101)
    bar = view.verticalScrollBar()
    bar.setValue(0)  # its widget goes back to the spare pool, then shows another message
    assert view.message_widget(101) is None
    style = MessageStyle.for_dark(False)
    shown = 0
    for message_id in range(1, 8):
        widget = view.message_widget(message_id)
        if widget is not None and view.viewport().rect().contains(widget.geometry().center()):
            beside = QPoint(widget.geometry().left() - 6, widget.geometry().center().y())
            assert distance(pixel(view, beside), style.background) < 4
            shown += 1
    assert shown
    assert view.highlighted_ids() == [101]
    view.reveal_message(101)  # shown again: highlighted again
    widget = view.message_widget(101)
    assert widget is not None
    beside = QPoint(widget.geometry().left() - 6, widget.geometry().center().y())
    assert distance(pixel(view, beside), style.highlight) < 4


def test_scrolling_lets_go_of_a_revealed_message(view) -> None:
    view.set_messages(conversation(200))
    view.reveal_message(51)
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + 300)
    assert top_in_viewport(view, 51) == view.viewport().height() // 4 - 300


def test_opening_another_conversation_forgets_the_highlight(view) -> None:
    view.set_messages(conversation(40))
    view.reveal_message(11)
    view.set_messages(conversation(30))
    assert view.highlighted_ids() == []
    assert view.is_following()


# -- "Jump to latest" --------------------------------------------------------------------


def streaming(view: ChatView, qtbot, count: int = 60) -> None:
    view.set_messages(conversation(count))
    view.append_message(MessageItem(count + 1, "user", "Tell me a long story"))
    view.append_message(
        MessageItem(count + 2, "assistant", "", status=MessageStatus.STREAMING, model="k2")
    )
    view.append_content(count + 2, "Once upon a time.\n\n")
    qtbot.waitUntil(lambda: "Once" in view._rows.find(count + 2).item.text)


def test_the_jump_button_appears_when_the_reader_scrolls_up_during_a_reply(view, qtbot) -> None:
    button = view.jump_button()
    streaming(view, qtbot)
    assert view.is_following()
    assert not button.isVisible()

    bar = view.verticalScrollBar()
    bar.setValue(bar.value() - 800)
    assert button.isVisible()
    assert button.accessibleName() == "Jump to latest"
    assert button.toolTip()
    # A small round button, centred at the bottom of the text area, above the messages.
    area = view.viewport().geometry()
    assert button.width() == button.height() <= 40
    assert button.geometry().center().x() == pytest.approx(area.center().x(), abs=2)
    assert area.bottom() - 40 < button.geometry().bottom() < area.bottom()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert view.is_following()
    assert bar.value() == bar.maximum()
    assert not button.isVisible()
    view.append_content(62, "And the story goes on.\n\n" * 30)
    qtbot.waitUntil(lambda: "goes on" in view._rows.find(62).item.text)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())  # following again


def test_the_jump_button_appears_when_new_text_arrives_below(view, qtbot) -> None:
    view.set_messages(conversation(60))
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    assert not view.jump_button().isVisible()  # nothing is happening below
    view.append_message(MessageItem(61, "assistant", "An answer arrived while you read."))
    assert view.jump_button().isVisible()
    bar.setValue(bar.maximum())  # the reader scrolled down by hand
    assert not view.jump_button().isVisible()


def test_the_jump_button_hides_when_the_reply_ends_out_of_view(view, qtbot) -> None:
    streaming(view, qtbot)
    bar = view.verticalScrollBar()
    bar.setValue(0)
    assert view.jump_button().isVisible()
    view.set_messages(conversation(10))  # another conversation opened
    assert not view.jump_button().isVisible()


# -- keyboard and focus ---------------------------------------------------------------


def test_page_keys_home_and_end_scroll_the_view(view, qtbot) -> None:
    view.set_messages(conversation(120))
    bar = view.verticalScrollBar()
    for value in range(0, bar.maximum() + 1, 200):  # every row measured: no corrections
        bar.setValue(value)
    bar.setValue(bar.maximum())
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    bottom = bar.value()
    assert bottom == bar.maximum()

    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert bar.value() == pytest.approx(bottom - bar.pageStep(), abs=2)
    assert not view.is_following()
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert bar.value() == pytest.approx(bottom - bar.pageStep() - bar.singleStep(), abs=2)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert bar.value() == 0
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert bar.value() == pytest.approx(bar.pageStep(), abs=2)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert bar.value() == pytest.approx(bar.pageStep() + bar.singleStep(), abs=2)
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert bar.value() == pytest.approx(bar.singleStep(), abs=2)
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    assert view.is_following()


@pytest.mark.parametrize("dark", [False, True])
def test_a_focus_ring_shows_while_the_view_has_keyboard_focus(qtbot, clock, dark) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    search = QLineEdit(window)
    view = ChatView(window, clock=clock)
    view.set_dark(dark)
    layout = QVBoxLayout(window)
    layout.addWidget(search)
    layout.addWidget(view)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    view.set_messages(conversation(30))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    assert not view.has_focus_ring()
    edge = QPoint(view.viewport().width() // 2, 0)  # on the ring's top edge, at the middle
    background = MessageStyle.for_dark(dark).background
    assert view.grab().toImage().pixelColor(view.viewport().mapTo(view, edge)) == background

    qtbot.keyClick(search, Qt.Key.Key_Tab)
    qtbot.waitUntil(view.hasFocus)
    assert view.has_focus_ring()
    ring = view.grab().toImage().pixelColor(view.viewport().mapTo(view, edge))
    accent = MessageStyle.for_dark(dark).accent
    assert distance(ring, accent) < distance(ring, background)
    assert contrast(ring, background) > 2.5  # visible on both themes

    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not view.hasFocus())
    assert not view.has_focus_ring()

    # A click on the chat gives it focus quietly; the ring shows once keys are used.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    qtbot.waitUntil(view.hasFocus)
    assert not view.has_focus_ring()
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert view.has_focus_ring()
