"""Every prompt's bubble fits its own text: new, reopened, scrolled and reused, resized,
in another font."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QFontMetricsF

from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_widget import MessageWidget
from kimi_desktop.ui.chat.view import ChatView

PROMPTS = (
    "Hi",
    "Compare the models in a table",
    "ok",
    "TypeError: undefined is not a function",
    "Why does my build fail on the second run but pass on the first one? "
    "It only happens on the CI machine, never on my laptop, and the log says nothing.",
    "x",
    "Write a haiku about autumn rain",
)


def conversation(count: int, prompts: tuple[str, ...] = PROMPTS) -> list[MessageItem]:
    items = []
    for i in range(1, count + 1):
        if i % 2:
            items.append(MessageItem(i, "user", prompts[(i // 2) % len(prompts)]))
        else:
            reply = "An answer that goes on for a while. " * (1 + i % 5)
            items.append(MessageItem(i, "assistant", reply, model="kimi-k2.5"))
    return items


def visible_prompts(view: ChatView) -> list[tuple[str, MessageWidget]]:
    shown = []
    for message_id in view.message_ids():
        widget = view.message_widget(message_id)
        if widget is None or not widget.isVisible() or widget.item is None:
            continue
        if widget.item.role == "user" and widget.geometry().intersects(view.viewport().rect()):
            shown.append((widget.item.text, widget))
    return shown


def assert_bubbles_fit(view: ChatView) -> int:
    """Check every prompt in view; returns how many there were."""
    prompts = visible_prompts(view)
    for prompt, widget in prompts:
        text = widget.text_widget()
        assert text.toPlainText() == prompt
        box = text.viewport().width()
        document = text.document()
        # What is painted: the text is laid out at the width of its box, no wider...
        assert document.textWidth() == pytest.approx(box), prompt
        assert document.idealWidth() <= box + 0.5, prompt
        # ... and the box is tall enough for every line.
        assert document.size().height() <= text.height() + 0.5, prompt
        # A prompt that fits on one line at the widest a bubble gets is on one line,
        # in a box no wider than it needs (the smallest bubble is 24 px wide).
        one_line = QFontMetricsF(text.font()).horizontalAdvance(prompt)
        widest = int(view.viewport().width() * 0.8)
        if one_line < min(widest, 560) - 40:
            assert document.lineCount() == 1, prompt
            assert box <= max(24, one_line + 6), prompt
        # The box lies inside the message, right-aligned as the user's side is.
        left = text.mapTo(widget, text.rect().topLeft()).x()
        assert left >= 0, prompt
        assert left + text.width() <= widget.width(), prompt
    return len(prompts)


def scroll_through(view: ChatView, step: int) -> int:
    bar = view.verticalScrollBar()
    checked = 0
    for value in range(bar.maximum(), -1, -step):
        bar.setValue(value)
        checked += assert_bubbles_fit(view)
    bar.setValue(0)
    return checked + assert_bubbles_fit(view)


def test_prompts_of_very_different_lengths_fit_as_rows_are_scrolled_and_reused(view) -> None:
    view.set_messages(conversation(160))
    assert assert_bubbles_fit(view) > 0
    # Rows are built only near the viewport: scrolling reuses their widgets
    # for other prompts, longer and shorter ones.
    assert scroll_through(view, view.viewport().height() // 3) > 20


def test_prompts_fit_in_a_reopened_conversation(view) -> None:
    view.set_messages(conversation(60))
    reversed_prompts = tuple(reversed(PROMPTS))
    view.set_messages(conversation(60, reversed_prompts))  # the same widgets, other prompts
    assert assert_bubbles_fit(view) > 0
    assert scroll_through(view, 250) > 0


def test_a_new_prompt_fits(view) -> None:
    view.set_messages(conversation(30))
    for offset, prompt in enumerate(PROMPTS):
        view.append_message(MessageItem(100 + offset, "user", prompt))
        assert view.message_widget(100 + offset) is not None
        assert assert_bubbles_fit(view) > 0


def test_prompts_fit_after_a_resize(view, qtbot) -> None:
    view.set_messages(conversation(80))
    for width in (520, 1300, 700):
        view.resize(width, 700)
        qtbot.waitUntil(lambda w=width: view.width() == w)
        assert assert_bubbles_fit(view) > 0
        assert scroll_through(view, 300) > 0


@pytest.mark.parametrize("sizes", [(15, 9), (10, 11), (11, 11, 12)])
def test_prompts_fit_after_a_font_change(view, sizes) -> None:
    view.set_messages(conversation(80))
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    for size in sizes:
        view.set_font_point_size(size)
        assert assert_bubbles_fit(view) > 0
        assert scroll_through(view, 280) > 0
