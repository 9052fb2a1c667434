"""A message is laid out once, at the width it is shown at, and measured right the first time."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QWidget

from kimi_desktop.render import MarkdownRenderer
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_parts import MessageText
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.message_widget import MessageWidget

WIDTH = 760
REPLY = (
    "The answer, in a paragraph long enough to wrap at a narrow width. " * 3
    + "\n\n- one\n- two\n\n```python\nprint('hello')\n```\n"
)


@pytest.fixture
def holder(qtbot) -> QWidget:
    """A shown parent: a child made now is hidden until shown, as in the chat view."""
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def style() -> MessageStyle:
    return MessageStyle.for_dark(False)


def rendered() -> tuple[str, tuple[str, ...]]:
    result = MarkdownRenderer("default").render_with_code(REPLY)
    return result.html, tuple(result.code_blocks)


def test_a_text_box_measured_before_it_has_its_width_gets_the_height_it_is_shown_with(
    holder, style
) -> None:
    html, codes = rendered()
    box = MessageText(holder)  # at Qt's default size, hidden
    box.set_rich(html, codes, style.css)
    height = box.height_for_width(WIDTH)
    assert box.height_for_width(WIDTH) == height
    box.setGeometry(0, 0, WIDTH, height)
    box.show()
    assert box.viewport().width() == WIDTH
    assert int(box.document().size().height() + 0.999) == height


@pytest.mark.parametrize("role", ["assistant", "user"])
def test_a_new_message_lays_its_text_out_only_at_the_width_it_is_shown_at(
    holder, style, role, monkeypatch
) -> None:
    widths: list[int] = []
    measure = MessageText.height_for_width

    def recording(self: MessageText, width: int) -> int:
        widths.append(width)
        return measure(self, width)

    monkeypatch.setattr(MessageText, "height_for_width", recording)
    html, codes = rendered()
    widget = MessageWidget(style, holder)
    widget.set_item(MessageItem(1, role, REPLY, model="kimi-k2.5"), html=html, code_blocks=codes)
    height = widget.height_for_width(WIDTH)
    widget.setGeometry(0, 0, WIDTH, height)
    widget.show()
    assert len(set(widths)) == 1  # the column's width (a prompt: its bubble's)
    if role == "assistant":
        assert widths[0] == WIDTH
    text = widget.text_widget()
    assert text.isVisible()
    assert text.height() == text.height_for_width(text.width())
    assert widget.height_for_width(WIDTH) == height
