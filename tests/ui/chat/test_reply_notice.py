"""The notice under a reply that ended short: its sentence and its Continue, "Larger
budget" and Regenerate buttons, in the chat view, in both themes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette

from kimi_desktop.domain import MessageAction, MessageStatus
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.message_widget import MessageWidget
from kimi_desktop.ui.chat.view import ChatView

OUT_OF_ROOM = "The model ran out of room while thinking."
CUT = "The reply was cut at the output budget."


@pytest.fixture(params=[False, True], ids=["light", "dark"])
def view(request, qtbot) -> ChatView:
    widget = ChatView()
    qtbot.addWidget(widget)
    widget.set_dark(request.param)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cut_reply(message_id: int, text: str = "", **fields) -> MessageItem:
    return MessageItem(
        message_id,
        "assistant",
        text,
        status=MessageStatus.INTERRUPTED,
        reasoning="planning the answer",
        error_action=MessageAction.LARGER_BUDGET,
        **fields,
    )


def shown(view: ChatView, *items: MessageItem) -> MessageWidget:
    view.set_messages([MessageItem(1, "user", "A hard question"), *items])
    widget = view.message_widget(items[-1].id)
    assert widget is not None
    return widget


def visible(widget: MessageWidget, name: str):
    button = widget.findChild(object, name)
    return button if button is not None and button.isVisibleTo(widget) else None


def test_a_reply_cut_while_thinking_says_so_and_offers_both(view, qtbot) -> None:
    widget = shown(view, cut_reply(2))
    notice = widget.notice()
    assert notice.isVisibleTo(widget)
    assert notice.label.text() == OUT_OF_ROOM
    assert not notice.quiet  # framed: there is no answer at all
    assert widget.status_text() == OUT_OF_ROOM  # not "Interrupted", not a finished reply
    continue_button = visible(widget, "continueButton")
    larger = visible(widget, "largerBudgetButton")
    assert continue_button is not None
    assert larger is not None
    assert (continue_button.text(), continue_button.accessibleName()) == ("Continue",) * 2
    assert (larger.text(), larger.accessibleName()) == ("Larger budget",) * 2
    assert continue_button.toolTip()
    assert larger.toolTip()
    assert visible(widget, "errorActionButton") is None

    with qtbot.waitSignal(view.action_requested) as signal:
        continue_button.click()
    assert signal.args == ["continue", 2]
    with qtbot.waitSignal(view.action_requested) as signal:
        larger.click()
    assert signal.args == ["larger_budget", 2]


def test_a_reply_cut_with_an_answer_gets_the_quieter_note(view) -> None:
    widget = shown(view, cut_reply(2, "Here is the first half"))
    notice = widget.notice()
    assert notice.label.text() == CUT
    assert notice.quiet
    assert visible(widget, "continueButton") is not None
    assert visible(widget, "largerBudgetButton") is not None
    text = notice.label.palette().color(QPalette.ColorRole.WindowText)
    assert text == MessageStyle.for_dark(view.is_dark()).muted  # the theme's muted text


def test_a_stopped_reply_offers_continue_on_its_status_line(view, qtbot) -> None:
    stopped = MessageItem(2, "assistant", "Half an answer", status=MessageStatus.STOPPED)
    widget = shown(view, stopped)
    assert widget.status_text() == "Stopped"
    button = visible(widget, "continueButton")
    assert button is not None
    assert visible(widget, "largerBudgetButton") is None
    with qtbot.waitSignal(view.action_requested) as signal:
        button.click()
    assert signal.args == ["continue", 2]


def test_an_interrupted_reply_offers_continue_next_to_retry(view) -> None:
    item = MessageItem(
        2,
        "assistant",
        "Half an answer",
        status=MessageStatus.INTERRUPTED,
        error="The connection dropped.",
        error_action=MessageAction.RETRY,
    )
    widget = shown(view, item)
    assert widget.status_text() == "Interrupted — the reply was cut off"
    assert visible(widget, "continueButton") is not None
    assert visible(widget, "errorActionButton").text() == "Retry"


def test_a_refused_continuation_offers_regenerate_only(view, qtbot) -> None:
    item = MessageItem(
        2,
        "assistant",
        "Part one",
        status=MessageStatus.INTERRUPTED,
        error="This endpoint cannot continue a reply; regenerate instead.",
        error_action=MessageAction.REGENERATE,
    )
    widget = shown(view, item)
    assert widget.notice().label.text() == item.error
    assert visible(widget, "continueButton") is None
    button = visible(widget, "errorActionButton")
    assert (button.text(), button.accessibleName()) == ("Regenerate", "Regenerate")
    with qtbot.waitSignal(view.action_requested) as signal:
        button.click()
    assert signal.args == ["regenerate", 2]


def test_continue_is_only_offered_on_the_last_reply_while_nothing_streams(view) -> None:
    view.set_messages(
        [
            MessageItem(1, "user", "first"),
            cut_reply(2, "An older cut answer"),
            MessageItem(3, "user", "second"),
            MessageItem(4, "assistant", "", status=MessageStatus.STREAMING),
        ]
    )
    older = view.message_widget(2)
    assert older is not None
    assert older.notice().label.text() == CUT  # still said, but nothing to press
    assert visible(older, "continueButton") is None
    assert visible(older, "largerBudgetButton") is None

    view.set_messages([MessageItem(1, "user", "first"), cut_reply(2, "A cut answer")])
    widget = view.message_widget(2)
    assert visible(widget, "continueButton") is not None
    view.append_message(MessageItem(3, "user", "next"))
    view.append_message(MessageItem(4, "assistant", "", status=MessageStatus.STREAMING))
    widget = view.message_widget(2)
    assert widget is not None
    assert visible(widget, "continueButton") is None  # no longer the last, and busy


def test_a_continued_reply_streams_on_in_the_same_row(view, qtbot) -> None:
    view.set_messages([MessageItem(1, "user", "q"), cut_reply(2, "Once upon a ")])
    view.update_message(MessageItem(2, "assistant", "Once upon a ", status=MessageStatus.STREAMING))
    widget = view.message_widget(2)
    assert widget is not None
    assert not widget.notice().isVisibleTo(widget)
    view.append_content(2, "time.")
    qtbot.waitUntil(lambda: widget.plain_text().strip() == "Once upon a time.")
    view.update_message(MessageItem(2, "assistant", "Once upon a time."))
    assert view.message_ids() == [1, 2]
    qtbot.waitUntil(lambda: widget.plain_text().strip() == "Once upon a time.")
    assert widget.status_text() == ""
