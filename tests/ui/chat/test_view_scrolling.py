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


def test_a_scroll_step_out_of_time_builds_the_top_row_and_the_rest_on_later_turns(
    view, qtbot, monkeypatch
) -> None:
    view.set_messages(conversation(300))
    settle(view, qtbot)
    monkeypatch.setattr(chat_view, "_SCREEN_BUDGET_S", -1.0)  # every scroll step is late
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    visible = [i for i in view.message_ids() if in_viewport(view, i)]
    assert len(visible) > 2
    assert built(view, visible[0])  # the row at the top, at once
    assert not all(built(view, i) for i in visible)
    settle(view, qtbot)
    assert all(built(view, i) for i in view.message_ids() if in_viewport(view, i))


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
