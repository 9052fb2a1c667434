"""Links in messages show where they go on hover, and a click carries the text it showed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QImage, QTextCursor, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QToolButton

from kimi_desktop.ui.chat.items import AttachmentView, MessageItem
from kimi_desktop.ui.chat.message_parts import AttachmentStrip, MessageText, anchor_text
from kimi_desktop.ui.chat.view import ChatView

REPLY = (
    "Pay at [https://bank.com](https://evil.example) or read "
    "[the **docs**](https://docs.example.org/) and [again](https://docs.example.org/). "
    "[Copy](copy:0) is no web link."
)
CYRILLIC_A = "\u0430"


@pytest.fixture
def view(make_view) -> ChatView:
    return make_view(height=600)


def _text_of(view: ChatView, message_id: int) -> MessageText:
    widget = view.message_widget(message_id)
    assert widget is not None
    return widget.text_widget()


def _point_on(text: MessageText, href: str, nth: int = 0) -> QPoint:
    """A point (viewport coordinates) on the ``nth`` link to ``href``."""
    document = text.document()
    starts = [
        item.fragment().position()
        for block in _blocks(document)
        for item in block
        if item.fragment().charFormat().anchorHref() == href
    ]
    cursor = QTextCursor(document)
    cursor.setPosition(starts[nth] + 1)
    point = text.cursorRect(cursor).center()
    assert text.anchorAt(point) == href
    return point


def _blocks(document: QTextDocument) -> list:
    block, blocks = document.begin(), []
    while block.isValid():
        blocks.append(block)
        block = block.next()
    return blocks


def test_hovering_a_link_shows_its_address(view, qtbot) -> None:
    view.set_messages([MessageItem(1, "assistant", REPLY)])
    text = _text_of(view, 1)
    hovered: list[str] = []
    view.link_hovered.connect(hovered.append)

    with qtbot.waitSignal(view.link_hovered):
        qtbot.mouseMove(text.viewport(), _point_on(text, "https://evil.example"))
    assert hovered == ["https://evil.example"]
    assert "https://evil.example" in text.toolTip()
    assert "bank.com" not in text.toolTip()

    qtbot.mouseMove(text.viewport(), QPoint(text.viewport().width() - 2, 1))  # off the link
    qtbot.waitUntil(lambda: hovered[-1] == "")
    assert text.toolTip() == ""


def test_a_look_alike_host_is_shown_in_punycode_on_hover(view, qtbot) -> None:
    view.set_messages([MessageItem(1, "assistant", f"[Apple](https://{CYRILLIC_A}pple.com/)")])
    text = _text_of(view, 1)
    with qtbot.waitSignal(view.link_hovered) as hovered:
        # (the renderer already writes the host in punycode; Qt would show it decoded)
        qtbot.mouseMove(text.viewport(), _point_on(text, "https://xn--pple-43d.com/"))
    assert hovered.args == ["https://xn--pple-43d.com/"]
    assert "xn--pple-43d.com" in text.toolTip()


def test_hovering_a_copy_link_shows_no_address(view, qtbot) -> None:
    view.set_messages([MessageItem(1, "assistant", "```\ncode\n```")])
    text = _text_of(view, 1)
    hovered: list[str] = []
    view.link_hovered.connect(hovered.append)
    text.highlighted.emit(QUrl("copy:0"))
    assert hovered == [""]
    assert text.toolTip() == ""


def test_a_click_carries_the_text_the_link_shows(view, qtbot) -> None:
    view.set_messages([MessageItem(1, "assistant", REPLY)])
    text = _text_of(view, 1)
    clicked: list[tuple[str, str]] = []
    view.link_activated.connect(lambda url, shown: clicked.append((url, shown)))

    qtbot.mouseClick(
        text.viewport(), Qt.MouseButton.LeftButton, pos=_point_on(text, "https://evil.example")
    )
    qtbot.mouseClick(
        text.viewport(), Qt.MouseButton.LeftButton, pos=_point_on(text, "https://docs.example.org/")
    )
    qtbot.mouseClick(
        text.viewport(),
        Qt.MouseButton.LeftButton,
        pos=_point_on(text, "https://docs.example.org/", nth=2),  # "again": the third fragment
    )
    assert clicked == [
        ("https://evil.example", "https://bank.com"),
        ("https://docs.example.org/", "the docs"),
        ("https://docs.example.org/", "again"),
    ]


def test_a_link_opened_from_the_keyboard_carries_its_text(view, qtbot) -> None:
    view.set_messages([MessageItem(1, "assistant", REPLY)])
    text = _text_of(view, 1)
    clicked: list[tuple[str, str]] = []
    view.link_activated.connect(lambda url, shown: clicked.append((url, shown)))
    text.setFocus()
    qtbot.keyClick(text, Qt.Key.Key_Tab)  # to the first link
    qtbot.keyClick(text, Qt.Key.Key_Return)
    assert clicked == [("https://evil.example", "https://bank.com")]


def test_anchor_text_without_a_position_names_every_text_of_the_link() -> None:
    document = QTextDocument()
    document.setHtml(
        '<p><a href="https://a.example">one</a> and <a href="https://a.example">two</a></p>'
        '<p><a href="https://a.example">one</a> <a href="https://b.example">three</a></p>'
    )
    assert anchor_text(document, "https://a.example", None) == "one two"
    assert anchor_text(document, "https://b.example", None) == "three"
    assert anchor_text(document, "https://c.example", None) == ""
    assert anchor_text(document, "https://a.example", 9) == "two"


def test_attachment_names_are_plain_text_in_tooltips(qtbot) -> None:
    strip = AttachmentStrip()
    qtbot.addWidget(strip)
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(0)
    strip.set_attachments(
        (AttachmentView("0" * 64, image, '<img src="x"><b>bold</b>.png'),), right=False
    )
    (button,) = strip.findChildren(QToolButton)
    assert _as_shown(button.toolTip()) == 'Preview <img src="x"><b>bold</b>.png'


def _as_shown(tooltip: str) -> str:
    """The text Qt shows for ``tooltip``: rich text rendered when it looks like rich text."""
    if not GuiQt.mightBeRichText(tooltip):
        return tooltip
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()
