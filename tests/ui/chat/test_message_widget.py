"""MessageWidget and its parts, on their own."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage

from kimi_desktop.domain import MessageAction, MessageStatus
from kimi_desktop.ui.chat.items import AttachmentView, MessageItem
from kimi_desktop.ui.chat.message_parts import is_web_link
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.message_widget import MessageWidget, ReasoningState, RowContext


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com", True),
        ("HTTP://EXAMPLE.COM/x", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("mailto:a@b.c", False),
        ("https://", False),
        ("copy:0", False),
    ],
)
def test_is_web_link(url, ok):
    assert is_web_link(url) is ok


@pytest.fixture
def widget(qtbot) -> MessageWidget:
    w = MessageWidget(MessageStyle.for_dark(False))
    qtbot.addWidget(w)
    w.resize(600, 400)
    return w


def test_every_button_has_a_name_and_tooltip(widget):
    widget.set_item(MessageItem(1, "assistant", "hi"), html="<p>hi</p>")
    for action in ("copy", "edit", "regenerate", "delete"):
        button = widget.button(action)
        assert button.toolTip()
        assert button.accessibleName()


def test_user_message_is_plain_text_in_a_bubble(widget):
    widget.set_item(MessageItem(1, "user", "**not markdown** <i>x</i>"))
    assert widget.text_widget().toPlainText() == "**not markdown** <i>x</i>"
    assert widget.findChild(object, "messageAuthor").text() == "You"


def test_header_names_the_model(widget):
    widget.set_item(MessageItem(1, "assistant", "hi", model="kimi-k2.5"), html="<p>hi</p>")
    assert widget.findChild(object, "messageAuthor").text() == "Kimi"
    assert widget.findChild(object, "messageModel").text() == "· kimi-k2.5"


def test_height_grows_with_text(widget):
    widget.set_item(MessageItem(1, "user", "short"))
    short = widget.height_for_width(500)
    widget.set_item(MessageItem(2, "user", "long text " * 200))
    assert widget.height_for_width(500) > short + 100
    assert widget.height_for_width(300) > widget.height_for_width(500)


def test_attachment_click_asks_for_preview(widget, qtbot):
    thumb = QImage(40, 30, QImage.Format.Format_ARGB32)
    thumb.fill(QColor("red"))
    item = MessageItem(5, "user", "look", attachments=(AttachmentView("ab12", thumb, "shot.png"),))
    widget.set_item(item)
    button = widget.findChild(object, "attachmentThumbnail")
    assert button.accessibleName()
    assert button.toolTip()
    with (
        qtbot.assertNotEmitted(widget.action_requested),
        qtbot.waitSignal(widget.image_preview_requested) as signal,
    ):
        button.click()
    assert signal.args == ["ab12"]


def test_streaming_reply_hides_footer_and_waits(widget):
    widget.set_item(MessageItem(3, "assistant", "", status=MessageStatus.STREAMING))
    assert widget.status_text() == "Waiting for Kimi…"
    assert not widget.button("copy").isVisibleTo(widget)
    widget.set_reasoning(ReasoningState(expanded=True, started_at=0.0), "thinking")
    assert widget.status_text() == ""
    assert widget.reasoning_panel().isVisibleTo(widget)


def test_reused_widget_shows_the_new_message(widget):
    widget.set_item(
        MessageItem(
            1, "assistant", "a", reasoning="r", error="Failed.", error_action=MessageAction.RETRY
        ),
        html="<p>a</p>",
        context=RowContext(last=True),
    )
    assert widget.reasoning_panel().isVisibleTo(widget)
    widget.set_item(MessageItem(2, "user", "b"))
    assert widget.message_id == 2
    assert not widget.reasoning_panel().isVisibleTo(widget)
    assert not widget.findChild(object, "errorNotice").isVisibleTo(widget)
    assert widget.text_widget().toPlainText() == "b"


def test_top_level_ends_skip_nested_blocks():
    from kimi_desktop.ui.chat.message_body import top_level_ends

    blocks = [
        "<p>a\nb</p>\n",
        "<ul>\n<li><p>x</p>\n</li>\n</ul>\n",
        "<table><tr><td><pre>1\n2</pre></td></tr></table>\n",
    ]
    ends = top_level_ends("".join(blocks))
    assert ends == [sum(len(block) for block in blocks[: i + 1]) for i in range(3)]


def test_streamed_body_freezes_chunks_and_keeps_text_exact(qtbot):
    from kimi_desktop.render import MarkdownRenderer
    from kimi_desktop.ui.chat.message_body import MessageBody

    style = MessageStyle.for_dark(False)
    renderer = MarkdownRenderer()
    body = MessageBody()
    qtbot.addWidget(body)
    body.apply_style(style)
    body.resize(600, 100)
    section = "Some prose that goes on for a while. " * 10
    markdown = "".join(f"{section}\n\n```python\nprint({i})\n```\n\n" for i in range(12))
    for cut in range(50, len(markdown), 97):
        rendered = renderer.render_with_code(markdown[:cut])
        body.set_html(rendered.html, rendered.code_blocks, style.css, streaming=True)
    rendered = renderer.render_with_code(markdown)
    body.set_html(rendered.html, rendered.code_blocks, style.css, streaming=False)
    assert len(body.chunks()) > 1  # finished blocks were frozen along the way

    whole = MessageBody()
    qtbot.addWidget(whole)
    whole.set_html(rendered.html, rendered.code_blocks, style.css, streaming=False)
    assert len(whole.chunks()) == 1
    assert body.plain_text().replace("\n", "") == whole.plain_text().replace("\n", "")

    last = body.chunks()[-1]
    with qtbot.waitSignal(body.code_copied) as signal:
        last.anchorClicked.emit(QUrl("copy:11"))
    assert signal.args == ["print(11)"]


def test_the_bubble_grows_with_a_larger_font_set_after_the_text(widget, qtbot):
    widget.set_item(MessageItem(1, "user", "What is in this pasted screenshot?"))
    widget.show()
    qtbot.waitExposed(widget)
    text = widget.text_widget()
    larger = widget.font()
    larger.setPointSizeF(larger.pointSizeF() * 1.5)

    widget.setFont(larger)
    text.document().setTextWidth(-1)  # unwrapped: the width the whole line needs
    assert text.width() >= text.document().idealWidth()
