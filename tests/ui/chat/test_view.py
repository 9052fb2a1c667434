"""ChatView: virtualisation, streaming, follow mode, links and actions."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication

from kimi_desktop.domain import MessageAction, MessageStatus, Usage
from kimi_desktop.ui.chat import view as chat_view
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_widget import MessageWidget
from kimi_desktop.ui.chat.view import ChatView
from tests.ui.chat.conftest import flush_costing


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
            if i % 3 == 0:
                text += f"\n\n```python\nprint({i})\n```\n"
            items.append(MessageItem(i, "assistant", text, model="kimi-k2.5"))
    return items


def on_screen(view: ChatView, message_id: int) -> bool:
    widget = view.message_widget(message_id)
    if widget is None or not widget.isVisible():
        return False
    return widget.geometry().intersects(view.viewport().rect())


def shown_text(view: ChatView, message_id: int) -> str:
    widget = view.message_widget(message_id)
    assert widget is not None
    return widget.plain_text()


def streaming_reply(message_id: int) -> MessageItem:
    return MessageItem(message_id, "assistant", "", status=MessageStatus.STREAMING, model="k2")


# -- showing a conversation ------------------------------------------------------


def test_object_name_and_empty_placeholder(view):
    assert view.objectName() == "chatView"
    placeholder = view.viewport().findChild(type(view.placeholder), "chatPlaceholder")
    assert placeholder is not None
    assert placeholder.isVisible()
    assert "Ask Kimi anything" in placeholder.text()
    view.append_message(MessageItem(1, "user", "hi"))
    assert not placeholder.isVisible()


def test_set_messages_shows_the_newest_message(view):
    view.set_messages(conversation(40))
    assert view.message_ids() == list(range(1, 41))
    assert on_screen(view, 40)
    assert not on_screen(view, 1)
    assert view.is_following()
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0


def test_large_conversation_materialises_only_visible_messages(view, qtbot):
    view.set_messages(conversation(2000))
    qtbot.wait(1)  # let widgets dropped from the spare pool be deleted
    assert on_screen(view, 2000)
    assert len(view.findChildren(MessageWidget)) < 60

    view.verticalScrollBar().setValue(0)
    assert on_screen(view, 1)
    assert view.message_widget(2000) is None
    assert not view.is_following()
    qtbot.wait(1)
    assert len(view.findChildren(MessageWidget)) < 60


def test_scrolling_through_keeps_widget_count_bounded(view, qtbot):
    view.set_messages(conversation(600))
    bar = view.verticalScrollBar()
    bar.setValue(0)
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + view.viewport().height() // 2)
    qtbot.wait(1)
    assert on_screen(view, 600)
    assert len(view.findChildren(MessageWidget)) < 60


def test_rows_beyond_the_viewport_wait_for_a_later_turn_when_a_pass_runs_out_of_time(
    view, qtbot, monkeypatch
):
    monkeypatch.setattr(chat_view, "_OVERSCAN_BUDGET_S", -1.0)  # every pass is out of time
    monkeypatch.setattr(chat_view, "_SCREEN_BUDGET_S", 60.0)  # ... for rows off screen
    view.set_messages(conversation(200))
    view.verticalScrollBar().setValue(0)
    shown = [i for i in range(1, 201) if on_screen(view, i)]
    assert shown[0] == 1

    def built_below() -> list[int]:
        return [i for i in range(shown[-1] + 1, 201) if view.message_widget(i) is not None]

    at_first = built_below()
    qtbot.waitUntil(lambda: not view._overscan_timer.isActive())  # one more row a turn
    assert len(built_below()) > len(at_first)
    assert [i for i in range(1, 201) if on_screen(view, i)] == shown


def test_update_and_remove_message(view):
    view.set_messages(conversation(4))
    view.update_message(
        MessageItem(4, "assistant", "Partial answer", status=MessageStatus.STOPPED, model="k2")
    )
    widget = view.message_widget(4)
    assert widget is not None
    assert widget.status_text() == "Stopped"
    assert shown_text(view, 4) == "Partial answer"
    view.remove_message(3)
    assert view.message_ids() == [1, 2, 4]
    view.remove_message(99)  # unknown ids are ignored
    assert view.message_ids() == [1, 2, 4]


def test_interrupted_reply_shows_hint_and_retry(view, qtbot):
    item = MessageItem(
        2,
        "assistant",
        "Half a",
        status=MessageStatus.INTERRUPTED,
        error="The connection dropped.",
        error_action=MessageAction.RETRY,
    )
    view.set_messages([MessageItem(1, "user", "q"), item])
    widget = view.message_widget(2)
    assert widget is not None
    assert widget.status_text() == "Interrupted — the reply was cut off"
    button = widget.findChild(object, "errorActionButton")
    assert button.text() == "Retry"
    assert button.accessibleName()
    assert button.toolTip()
    with qtbot.waitSignal(view.action_requested) as signal:
        button.click()
    assert signal.args == ["retry", 2]


def test_settings_error_action(view, qtbot):
    item = MessageItem(
        2,
        "assistant",
        "",
        status=MessageStatus.ERROR,
        error="The API key was rejected.",
        error_action=MessageAction.SETTINGS,
    )
    view.set_messages([MessageItem(1, "user", "q"), item])
    widget = view.message_widget(2)
    assert widget is not None
    button = widget.findChild(object, "errorActionButton")
    assert button.text() == "Open Settings"
    with qtbot.waitSignal(view.action_requested) as signal:
        button.click()
    assert signal.args == ["settings", 2]


# -- streaming ---------------------------------------------------------------------


def test_streaming_deltas_appear_after_the_flush(view, qtbot):
    view.set_messages([MessageItem(1, "user", "Write a poem")])
    view.append_message(streaming_reply(2))
    deltas = ["Roses ", "are **red**,\n\n", "violets ", "are `blue`", ".\n"]
    for delta in deltas:
        view.append_content(2, delta)
    assert "Roses" not in shown_text(view, 2)  # coalesced: nothing before the timer
    qtbot.waitUntil(lambda: "violets are blue." in shown_text(view, 2))
    assert shown_text(view, 2) == "Roses are red,\nviolets are blue."
    final = "".join(deltas)
    view.update_message(MessageItem(2, "assistant", "", model="k2"))  # empty text keeps it
    widget = view.message_widget(2)
    assert widget is not None
    assert widget.item.text == final
    assert widget.item.status is MessageStatus.COMPLETE


def test_streaming_many_small_deltas(view, qtbot):
    view.set_messages([MessageItem(1, "user", "Count")])
    view.append_message(streaming_reply(2))
    words = [f"word{i} " for i in range(300)]
    for word in words:
        view.append_content(2, word)
    expected = "".join(words).strip()
    qtbot.waitUntil(lambda: shown_text(view, 2) == expected)
    assert view.message_widget(2).item.text == "".join(words)


@pytest.mark.parametrize(("flush_ms", "next_limit"), [(1, 4096), (5, 2048), (12, 1024)])
def test_what_a_flush_may_show_follows_what_flushes_cost(
    view, qtbot, monkeypatch, flush_ms, next_limit
):
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(streaming_reply(2))
    view.append_content(2, "x" * 5000)
    flush_costing(view, monkeypatch, flush_ms)
    # 2,048 characters were shown and the rest waits; a cheap flush doubles the next
    # one's share, a costly one cuts it to what fits in the budget.
    assert len(view.message_widget(2).item.text) == chat_view._FLUSH_START_CHARS
    assert view._flush_chars == next_limit
    assert view._flush_timer.isActive()
    qtbot.waitUntil(lambda: view.message_widget(2).item.text == "x" * 5000)


def test_deltas_for_unknown_messages_are_dropped(view, qtbot):
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_content(42, "lost")
    view.append_reasoning(42, "lost")
    qtbot.wait(60)
    assert view.message_ids() == [1]


# -- reasoning panel -----------------------------------------------------------------


def test_reasoning_panel_live_then_collapses(view, qtbot, clock):
    view.set_messages([MessageItem(1, "user", "Think hard")])
    view.append_message(streaming_reply(2))
    clock.now += 3
    view.append_reasoning(2, "Let me think about ")
    view.append_reasoning(2, "this carefully.")
    panel = view.message_widget(2).reasoning_panel()
    qtbot.waitUntil(lambda: panel.isVisible() and panel.text() != "")
    assert panel.objectName() == "reasoningPanel"
    assert panel.text() == "Let me think about this carefully."
    assert panel.is_expanded()
    assert panel.header_text() == "Thinking… 3 s"

    clock.now += 3.2
    view.append_content(2, "The answer is 42.")
    qtbot.waitUntil(lambda: not panel.is_expanded())
    assert panel.header_text() == "Thought for 6 s"
    assert shown_text(view, 2) == "The answer is 42."

    view.update_message(MessageItem(2, "assistant", "The answer is 42.", reasoning_seconds=7.0))
    assert panel.header_text() == "Thought for 7 s"


def test_reasoning_panel_toggles_on_click(view, qtbot):
    item = MessageItem(2, "assistant", "Answer", reasoning="Because.", reasoning_seconds=6.0)
    view.set_messages([MessageItem(1, "user", "Why?"), item])
    panel = view.message_widget(2).reasoning_panel()
    header = panel.findChild(object, "reasoningHeader")
    before = view.message_widget(2).height()
    assert not panel.is_expanded()
    assert panel.header_text() == "Thought for 6 s"
    assert header.accessibleName()
    assert header.toolTip()

    qtbot.mouseClick(header, Qt.MouseButton.LeftButton)
    assert panel.is_expanded()
    assert view.message_widget(2).height() > before  # the row grew to show it
    header.click()
    assert not panel.is_expanded()
    assert view.message_widget(2).height() == before


def test_stored_reasoning_without_duration(view):
    item = MessageItem(2, "assistant", "Answer", reasoning="Because.")
    view.set_messages([MessageItem(1, "user", "Why?"), item])
    panel = view.message_widget(2).reasoning_panel()
    assert panel.header_text() == "Reasoning"
    assert not panel.is_expanded()


def test_reasoning_collapsed_by_preference(view, qtbot):
    view.set_reasoning_expanded_default(False)
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(streaming_reply(2))
    view.append_reasoning(2, "hmm")
    panel = view.message_widget(2).reasoning_panel()
    qtbot.waitUntil(lambda: panel.isVisible())
    assert not panel.is_expanded()
    assert panel.header_text().startswith("Thinking…")


def test_no_reasoning_no_panel(view):
    view.set_messages([MessageItem(1, "user", "q"), MessageItem(2, "assistant", "a")])
    assert not view.message_widget(2).reasoning_panel().isVisible()


# -- follow mode -------------------------------------------------------------------------


def test_follow_mode(view, qtbot):
    view.set_messages(conversation(60))
    view.append_message(streaming_reply(61))
    bar = view.verticalScrollBar()
    assert view.is_following()

    bar.setValue(bar.maximum() // 2)  # the user scrolls up
    assert not view.is_following()
    qtbot.waitUntil(lambda: not view._overscan_timer.isActive())  # rows around it are built
    position = bar.value()
    for _ in range(5):
        view.append_content(61, "A new paragraph of the streaming reply.\n\n")
    qtbot.waitUntil(lambda: "streaming reply" in shown_text_if_any(view, 61), timeout=2000)
    assert bar.value() == position

    bar.setValue(bar.maximum())  # back at the bottom: follow again
    assert view.is_following()
    maximum = bar.maximum()
    for _ in range(10):
        view.append_content(61, "More text arriving while following.\n\n")
    qtbot.waitUntil(lambda: bar.maximum() > maximum)
    assert bar.value() == bar.maximum()
    assert on_screen(view, 61)


def shown_text_if_any(view: ChatView, message_id: int) -> str:
    # While scrolled away the reply has no widget; its item still grows.
    view._flush()
    row = view._rows.find(message_id)
    return row.item.text if row is not None else ""


def test_scroll_to_bottom_resumes_following(view):
    view.set_messages(conversation(60))
    view.verticalScrollBar().setValue(0)
    assert not view.is_following()
    view.scroll_to_bottom()
    assert view.is_following()
    assert on_screen(view, 60)


def test_new_prompt_brings_the_view_back(view):
    view.set_messages(conversation(60))
    view.verticalScrollBar().setValue(0)
    view.append_message(MessageItem(61, "user", "Another question"))
    assert view.is_following()
    assert on_screen(view, 61)


# -- links, code and safety -------------------------------------------------------------

CODE_REPLY = (
    "Two blocks:\n\n```python\ndef f():\n    return '<b>'  # tab:\there\n```\n\n"
    "and\n\n```\nline 1\n\n  line 3 \n```\n"
)


def test_copy_link_copies_the_exact_code(view, qtbot):
    view.set_messages([MessageItem(1, "assistant", CODE_REPLY)])
    text = view.message_widget(1).text_widget()
    assert "copy:1" in text.shown_source()
    with qtbot.waitSignal(view.code_copied) as signal:
        text.anchorClicked.emit(QUrl("copy:1"))
    assert QGuiApplication.clipboard().text() == "line 1\n\n  line 3 "
    assert signal.args == ["line 1\n\n  line 3 "]
    text.anchorClicked.emit(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == "def f():\n    return '<b>'  # tab:\there"


def test_only_web_links_are_emitted(view, qtbot):
    view.set_messages([MessageItem(1, "assistant", "See [docs](https://example.com/a?b=1).")])
    text = view.message_widget(1).text_widget()
    emitted: list[tuple[str, str]] = []
    view.link_activated.connect(lambda url, text: emitted.append((url, text)))
    for url in ("javascript:alert(1)", "file:///etc/passwd", "mailto:a@b.c", "data:text/html,x"):
        text.anchorClicked.emit(QUrl(url))
    text.anchorClicked.emit(QUrl("copy:7"))  # no such block: nothing happens
    assert emitted == []
    text.anchorClicked.emit(QUrl("https://example.com/a?b=1"))
    text.anchorClicked.emit(QUrl("http://example.org"))
    # Each with the text it shows (none: no such link is on screen).
    assert emitted == [("https://example.com/a?b=1", "docs"), ("http://example.org", "")]


def test_raw_html_is_shown_as_text(view):
    raw = '<b>bold</b> <img src="https://evil.example/x.png"> <script>alert(1)</script>'
    view.set_messages([MessageItem(1, "user", raw), MessageItem(2, "assistant", raw)])
    assert shown_text(view, 1) == raw
    assert "<b>bold</b>" in shown_text(view, 2)
    assert "<script>" in shown_text(view, 2)
    assert "<img" not in view.message_widget(2).text_widget().shown_source().replace("&lt;img", "")


# -- actions ------------------------------------------------------------------------------


def test_action_buttons_emit_ids(view, qtbot):
    view.set_messages(
        [
            MessageItem(1, "user", "first"),
            MessageItem(2, "assistant", "one", usage=Usage(1234, 567, 1000)),
            MessageItem(3, "user", "second"),
            MessageItem(4, "assistant", "two"),
        ]
    )
    first_user, first_reply = view.message_widget(1), view.message_widget(2)
    last_user, last_reply = view.message_widget(3), view.message_widget(4)
    assert first_user.button("edit").isVisibleTo(first_user)  # any prompt starts a branch
    assert not first_reply.button("regenerate").isVisibleTo(first_reply)
    assert last_user.button("edit").isVisibleTo(last_user)
    assert last_reply.button("regenerate").isVisibleTo(last_reply)
    assert not last_reply.button("edit").isVisibleTo(last_reply)

    cases = [
        (last_reply, "regenerate", 4),
        (last_user, "edit", 3),
        (first_reply, "delete", 2),
        (first_user, "copy", 1),
    ]
    for widget, action, message_id in cases:
        button = widget.button(action)
        assert button.toolTip()
        assert button.accessibleName()
        with qtbot.waitSignal(view.action_requested) as signal:
            button.click()
        assert signal.args == [action, message_id]
    assert QGuiApplication.clipboard().text() == "first"


def test_edit_and_regenerate_hidden_while_streaming(view):
    view.set_messages([MessageItem(1, "user", "q"), MessageItem(2, "assistant", "a")])
    view.append_message(MessageItem(3, "user", "q2"))
    view.append_message(streaming_reply(4))
    user = view.message_widget(3)
    assert not user.button("edit").isVisibleTo(user)
    assert not view.message_widget(2).button("regenerate").isVisibleTo(view.message_widget(2))
    view.update_message(MessageItem(4, "assistant", "done"))
    assert user.button("edit").isVisibleTo(user)
    reply = view.message_widget(4)
    assert reply.button("regenerate").isVisibleTo(reply)


def test_usage_footer(view):
    item = MessageItem(2, "assistant", "a", usage=Usage(1234, 567, 1000), cost="$0.01")
    view.set_messages([MessageItem(1, "user", "q"), item])
    label = view.message_widget(2).findChild(object, "messageUsage")
    assert label.text() == "1,234 in · 567 out · 1,000 cached · $0.01"


# -- appearance ---------------------------------------------------------------------------


def test_dark_and_font_size(view):
    view.set_messages(conversation(6))
    view.set_dark(False)
    light = view.viewport().palette().color(view.viewport().backgroundRole())
    view.set_dark(True)
    dark = view.viewport().palette().color(view.viewport().backgroundRole())
    assert dark.lightness() < light.lightness()
    assert on_screen(view, 6)

    before = view.message_widget(6).height()
    view.set_font_point_size(view.font().pointSize() + 6)
    assert view.message_widget(6).height() > before
    assert on_screen(view, 6)


def keyword_colour(view: ChatView, message_id: int, keyword: str) -> str:
    """The colour the message's code shows ``keyword`` in."""
    document = view.message_widget(message_id).text_widget().document()
    cursor = document.find(keyword)
    assert not cursor.isNull()
    return cursor.charFormat().foreground().color().name()


def test_switching_theme_recolours_code_in_stored_and_streaming_replies(view, qtbot):
    code = "```python\ndef f():\n    return 1\n```\n"
    view.set_dark(False)
    view.set_messages([MessageItem(1, "user", "q"), MessageItem(2, "assistant", code)])
    view.append_message(streaming_reply(3))
    view.append_content(3, code)
    qtbot.waitUntil(lambda: "return 1" in shown_text(view, 3))
    light = keyword_colour(view, 2, "def")
    assert keyword_colour(view, 3, "def") == light

    view.set_dark(True)

    dark = keyword_colour(view, 2, "def")
    assert dark != light
    assert keyword_colour(view, 3, "def") == dark
    view.append_content(3, "\nMore text.")  # the stream goes on in the new colours
    qtbot.waitUntil(lambda: "More text." in shown_text(view, 3))
    assert keyword_colour(view, 3, "def") == dark
    assert shown_text(view, 3).count("return 1") == 1


def test_narrow_and_wide_column(view):
    view.set_messages(conversation(4))
    view.resize(1600, 700)
    widget = view.message_widget(4)
    assert widget.width() <= 760
    assert abs(widget.geometry().center().x() - view.viewport().width() // 2) <= 2
    view.resize(420, 700)
    assert view.message_widget(4).width() < 420


def wheel_up(target):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    centre = QPointF(target.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(target.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QGuiApplication.sendEvent(target, event)
    return event


def test_wheel_over_a_message_scrolls_the_view(view):
    view.set_messages(conversation(40))
    bar = view.verticalScrollBar()
    before = bar.value()
    # Over a message the text ignores the wheel, so Qt passes it up to the view
    # (synthesised events do not propagate, hence the two steps).
    assert not wheel_up(view.message_widget(40).text_widget().viewport()).isAccepted()
    assert bar.value() == before
    wheel_up(view.viewport())
    assert bar.value() < before
    assert not view.is_following()


def test_growing_reasoning_is_never_clipped(view, qtbot):
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(streaming_reply(2))
    panel = view.message_widget(2).reasoning_panel()
    label = panel.findChild(object, "reasoningText")
    for _ in range(3):
        view.append_reasoning(2, "A long line of careful reasoning about the question. " * 8)
        qtbot.waitUntil(lambda: label.text().count("careful") % 8 == 0 and label.text() != "")
        view._flush()
        assert label.height() >= label.heightForWidth(label.width())
        assert panel.geometry().bottom() <= view.message_widget(2).height()


@pytest.fixture
def app_style_sheet(qapp):
    # The application's own look uses a style sheet, which stops fonts and
    # palettes from reaching child widgets by themselves.
    previous = qapp.styleSheet()
    qapp.setStyleSheet("#sidebar { background: #eeeeee; }")
    yield
    qapp.setStyleSheet(previous)


def test_font_size_and_theme_reach_every_message_under_a_style_sheet(app_style_sheet, view):
    view.set_font_point_size(17)  # as the window does at start-up
    view.set_dark(True)
    view.set_messages(conversation(6))
    view.append_message(MessageItem(7, "assistant", "A new **reply** after the change."))
    for message_id in (6, 7):
        widget = view.message_widget(message_id)
        assert widget is not None
        assert widget.text_widget().font().pointSize() == 17
    background = view.viewport().palette().color(view.viewport().backgroundRole())
    assert background.lightness() < 128
