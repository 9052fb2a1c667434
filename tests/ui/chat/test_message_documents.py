"""Documents under a sent prompt and the "Searched the web" line of a reply."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QToolButton

from kimi_desktop.domain import AttachedDocument, MessageStatus, StoredMessage
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_parts import web_search_text
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.message_widget import MessageWidget
from kimi_desktop.ui.composer.document_preview import DocumentPreviewDialog

REPORT = AttachedDocument(
    "report.pdf", "pdf", "--- page 1 ---\nRevenue grew by a third.", pages=12, tokens=8_437
)
NOTES = AttachedDocument("notes.md", "text", "# Plan\n- ship it\n", lines=230, tokens=2_134)


@pytest.fixture
def widget(qtbot) -> MessageWidget:
    w = MessageWidget(MessageStyle.for_dark(False))
    qtbot.addWidget(w)
    w.resize(640, 400)
    w.show()
    return w


def visible_previews(widget: MessageWidget) -> list[DocumentPreviewDialog]:
    return [d for d in widget.window().findChildren(DocumentPreviewDialog) if d.isVisible()]


def test_a_prompts_documents_show_as_chips_under_its_text(widget) -> None:
    widget.set_item(MessageItem(1, "user", "What changed?", documents=(REPORT, NOTES)))
    chips = widget.document_chips()
    assert [c.name for c in chips] == ["report.pdf", "notes.md"]
    assert [c.details() for c in chips] == [
        "12 pages · ≈ 8,400 tokens",
        "230 lines · ≈ 2,100 tokens",
    ]
    assert all(c.findChild(QToolButton, "documentRemove") is None for c in chips)
    text = widget.text_widget()
    text_bottom = text.mapTo(widget, QPoint(0, text.height())).y()
    assert all(c.mapTo(widget, QPoint(0, 0)).y() >= text_bottom for c in chips)
    # The user's side is the right: the chips end at the right edge.
    last = chips[-1]
    assert last.mapTo(widget, QPoint(last.width(), 0)).x() >= widget.width() - 2


def test_the_message_grows_with_its_documents(widget) -> None:
    widget.set_item(MessageItem(1, "user", "What changed?"))
    plain = widget.height_for_width(600)
    widget.set_item(MessageItem(1, "user", "What changed?", documents=(REPORT,)))
    one_row = widget.height_for_width(600)
    assert one_row > plain + 30
    many = tuple(
        AttachedDocument(f"chapter-{i}.md", "text", "x", lines=1, tokens=1) for i in range(8)
    )
    widget.set_item(MessageItem(1, "user", "What changed?", documents=many))
    assert widget.height_for_width(300) > widget.height_for_width(600) >= one_row


def test_clicking_a_sent_document_opens_its_text(widget, qtbot) -> None:
    widget.set_item(MessageItem(1, "user", "What changed?", documents=(REPORT,)))
    [chip] = widget.document_chips()
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    [dialog] = visible_previews(widget)
    assert dialog.text.toPlainText() == REPORT.text
    assert dialog.details.text() == "PDF · 12 pages · ≈ 8,400 tokens"
    dialog.close()


def test_copy_copies_the_text_without_the_chips(widget) -> None:
    widget.set_item(MessageItem(1, "user", "What changed?", documents=(REPORT,)))
    widget.button("copy").click()
    assert QGuiApplication.clipboard().text() == "What changed?"


def test_a_reused_widget_drops_the_documents_of_the_message_before(widget) -> None:
    widget.set_item(MessageItem(1, "user", "What changed?", documents=(REPORT,)))
    widget.set_item(MessageItem(2, "user", "And now?"))
    assert widget.document_chips() == []


@pytest.mark.parametrize(
    ("searches", "line"), [(0, ""), (1, "Searched the web"), (3, "Searched the web 3 times")]
)
def test_a_reply_says_how_often_it_searched_the_web(widget, searches, line) -> None:
    widget.set_item(
        MessageItem(2, "assistant", "The answer.", web_searches=searches),
        html="<p>The answer.</p>",
    )
    assert widget.web_search_text() == line
    if searches:
        note = widget.findChild(object, "webSearchNote")
        assert note.accessibleName() == line
        text = widget.text_widget()
        assert (
            note.mapTo(widget, QPoint(0, note.height())).y() <= text.mapTo(widget, QPoint(0, 0)).y()
        )


def test_the_search_line_shows_while_the_reply_streams(widget) -> None:
    streaming = MessageItem(2, "assistant", "", status=MessageStatus.STREAMING)
    widget.set_item(streaming)
    assert widget.web_search_text() == ""
    widget.set_item(MessageItem(2, "assistant", "", status=MessageStatus.STREAMING, web_searches=1))
    assert widget.web_search_text() == "Searched the web"
    assert widget.status_text() == "Waiting for Kimi…"
    widget.set_item(MessageItem(2, "assistant", "", status=MessageStatus.STREAMING, web_searches=2))
    assert widget.web_search_text() == "Searched the web 2 times"


def test_a_prompt_never_shows_a_search_line(widget) -> None:
    widget.set_item(MessageItem(1, "user", "Look it up", web_searches=2))
    assert widget.web_search_text() == ""


def test_search_words() -> None:
    assert web_search_text(1) == "Searched the web"
    assert web_search_text(2) == "Searched the web 2 times"


@pytest.mark.parametrize("dark", [False, True])
def test_the_search_line_and_chips_use_the_themes_muted_colour(qtbot, dark) -> None:
    style = MessageStyle.for_dark(dark)
    widget = MessageWidget(style)
    qtbot.addWidget(widget)
    widget.resize(640, 400)
    widget.set_item(MessageItem(1, "user", "Why?", documents=(REPORT,)))
    [chip] = widget.document_chips()
    details = chip.details_label.palette().color(QPalette.ColorRole.WindowText)
    assert details == style.muted
    assert chip.palette().color(QPalette.ColorRole.Button) != style.background
    widget.set_item(MessageItem(2, "assistant", "Because.", web_searches=1), html="<p>x</p>")
    label = widget.findChild(object, "webSearchText")
    assert label.palette().color(QPalette.ColorRole.WindowText) == style.muted


def test_a_stored_message_carries_its_documents_and_searches_to_the_view() -> None:
    stored = StoredMessage(
        7, 1, "user", "Why?", created_at=0.0, documents=(REPORT,), web_searches=0
    )
    assert MessageItem.from_stored(stored).documents == (REPORT,)
    reply = StoredMessage(8, 1, "assistant", "Because.", created_at=0.0, web_searches=3)
    assert MessageItem.from_stored(reply).web_searches == 3
