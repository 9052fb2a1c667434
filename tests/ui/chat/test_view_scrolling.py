"""ChatView while the reader scrolls: rows on screen within a turn's budget, a screen
built ahead, and full garbage collections held back."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kimi_desktop.ui.chat import view as chat_view
from kimi_desktop.ui.chat.collection_hold import full_collections_held
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.view import ChatView


def conversation(count: int) -> list[MessageItem]:
    items = []
    for i in range(1, count + 1):
        if i % 2:
            items.append(MessageItem(i, "user", f"Question {i}?"))
        else:
            text = f"Answer {i}.\n\n" + "Some explanation that goes on. " * 4
            if i % 4 == 0:
                text += f"\n\n```python\nprint({i})\n```\n"
            items.append(MessageItem(i, "assistant", text, model="kimi-k2.5"))
    return items


def in_viewport(view: ChatView, message_id: int) -> bool:
    """Whether the message's slot meets the viewport (built or not)."""
    index = view.message_ids().index(message_id)
    rows = view._rows
    top = chat_view._PAD_TOP + rows.offset(index) - view.verticalScrollBar().value()
    return top < view.viewport().height() and top + rows[index].height > 0


def built(view: ChatView, message_id: int) -> bool:
    widget = view.message_widget(message_id)
    return widget is not None and widget.isVisible()


def settle(view: ChatView, qtbot) -> None:
    qtbot.waitUntil(lambda: not view._overscan_timer.isActive())


def rendered(view: ChatView, message_id: int) -> bool:
    """Whether the message's markdown is rendered (kept by its row)."""
    row = view._rows.find(message_id)
    return row is not None and bool(row.parts)


def scroll_to(view: ChatView, message_id: int) -> None:
    """One scroll step that puts the message's top at the top of the viewport."""
    index = view.message_ids().index(message_id)
    view.verticalScrollBar().setValue(chat_view._PAD_TOP + view._rows.offset(index))


def test_a_scroll_step_out_of_time_builds_the_top_row_and_the_rest_on_later_turns(
    view, qtbot, monkeypatch
) -> None:
    view.set_messages(conversation(300))
    settle(view, qtbot)
    monkeypatch.setattr(chat_view, "_SCREEN_BUDGET_S", -1.0)  # every scroll step is late
    scroll_to(view, 151)  # a prompt: nothing to render
    visible = [i for i in view.message_ids() if in_viewport(view, i)]
    assert len(visible) > 2
    assert visible[0] == 151
    assert built(view, 151)  # the row at the top, at once
    assert not all(built(view, i) for i in visible)
    settle(view, qtbot)
    assert all(built(view, i) for i in view.message_ids() if in_viewport(view, i))


def test_a_scroll_step_renders_a_reply_it_must_show_and_builds_it_on_the_next_turn(
    view, qtbot, monkeypatch
) -> None:
    view.set_messages(conversation(300))
    settle(view, qtbot)
    monkeypatch.setattr(chat_view, "_SCREEN_BUDGET_S", -1.0)  # every scroll step is late
    assert not rendered(view, 152)
    scroll_to(view, 152)  # a reply whose markdown was never rendered
    assert next(i for i in view.message_ids() if in_viewport(view, i)) == 152
    assert rendered(view, 152)
    assert view.message_widget(152) is None  # (rendering was this turn's work)
    settle(view, qtbot)
    assert built(view, 152)
    assert all(built(view, i) for i in view.message_ids() if in_viewport(view, i))


def test_a_pass_around_the_viewport_renders_a_reply_then_builds_it_in_its_next_pass(
    view, qtbot, monkeypatch
) -> None:
    view.set_messages(conversation(300))
    settle(view, qtbot)
    for budget in ("_SCREEN_BUDGET_S", "_OVERSCAN_BUDGET_S"):
        monkeypatch.setattr(chat_view, budget, -1.0)  # one row, or one rendering, a pass
    monkeypatch.setattr(chat_view, "_IDLE_AFTER_S", 0.0)  # passes run when called
    scroll_to(view, 151)  # builds the prompt; the reply below it waits
    assert built(view, 151)
    assert not rendered(view, 152)
    view._continue_layout()
    assert rendered(view, 152)
    assert view.message_widget(152) is None
    view._continue_layout()
    assert built(view, 152)


def test_paging_down_finds_the_next_screen_built(view, qtbot) -> None:
    view.set_messages(conversation(300))
    bar = view.verticalScrollBar()
    bar.setValue(0)
    bar.setValue(bar.pageStep())  # the reader is heading down
    settle(view, qtbot)
    ids = view.message_ids()
    shown = [i for i in ids if in_viewport(view, i)]
    ready = [i for i in ids if built(view, i)]
    ahead = [i for i in ready if i > shown[-1]]
    behind = [i for i in ready if i < shown[0]]
    assert len(ahead) > len(behind)
    bar.setValue(bar.value() + bar.pageStep())
    assert all(i in ready for i in ids if in_viewport(view, i))  # built before the step


def test_widgets_are_reused_while_paging_through(view, qtbot) -> None:
    from kimi_desktop.ui.chat.message_widget import MessageWidget

    view.set_messages(conversation(400))
    bar = view.verticalScrollBar()
    bar.setValue(0)
    settle(view, qtbot)
    qtbot.wait(1)
    before = len(view.findChildren(MessageWidget))
    for _ in range(20):
        bar.setValue(bar.value() + bar.pageStep())
        settle(view, qtbot)
    qtbot.wait(1)
    assert len(view.findChildren(MessageWidget)) <= before + chat_view._SPARE_WIDGETS


def test_full_collections_wait_while_the_reader_scrolls(view, qtbot) -> None:
    view.set_messages(conversation(200))
    threshold = gc.get_threshold()
    bar = view.verticalScrollBar()
    bar.setValue(0)
    assert full_collections_held()
    assert gc.get_threshold()[2] > threshold[2]
    assert gc.get_threshold()[:2] == threshold[:2]  # the young generations as they were
    qtbot.waitUntil(lambda: not full_collections_held(), timeout=3000)  # after a rest
    assert gc.get_threshold() == threshold


def test_a_hidden_view_holds_no_collections_back(view) -> None:
    view.set_messages(conversation(200))
    threshold = gc.get_threshold()
    view.verticalScrollBar().setValue(0)
    assert full_collections_held()
    view.hide()
    assert not full_collections_held()
    assert gc.get_threshold() == threshold


def test_a_row_that_finds_no_spare_widget_gets_one_made_and_is_built_in_the_next_pass(
    view, qtbot, monkeypatch
) -> None:
    from kimi_desktop.ui.chat.message_widget import MessageWidget

    view.set_messages(conversation(300))
    settle(view, qtbot)
    monkeypatch.setattr(chat_view, "_SPARE_WIDGETS", 0)  # widgets let go of are deleted
    for budget in ("_SCREEN_BUDGET_S", "_OVERSCAN_BUDGET_S"):
        monkeypatch.setattr(chat_view, budget, -1.0)
    monkeypatch.setattr(chat_view, "_IDLE_AFTER_S", 0.0)
    for widget in view._spare:
        widget.deleteLater()
    view._spare.clear()
    scroll_to(view, 151)
    assert view.message_widget(151) is None
    assert len(view._spare) == 1  # made in this pass, hidden
    assert isinstance(view._spare[0], MessageWidget)
    assert view._spare[0].isHidden()
    view._continue_layout()
    assert built(view, 151)
    assert not view._spare
    settle(view, qtbot)
    assert all(built(view, i) for i in view.message_ids() if in_viewport(view, i))
