"""What a streaming reply's flush does not repeat: measuring an unchanged chunk, laying
out a last block that gained blocks, and flushing every frame while flushes are costly."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QTextDocument

from kimi_desktop.domain import MessageStatus
from kimi_desktop.render import IncrementalMarkdown, MarkdownRenderer
from kimi_desktop.ui.chat import view as chat_view
from kimi_desktop.ui.chat.html_blocks import block_tags, last_block_start
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_body import MessageBody
from kimi_desktop.ui.chat.message_parts import MessageText
from kimi_desktop.ui.chat.message_style import MessageStyle
from tests.ui.chat.conftest import flush_costing

WORDS = "Several words that wrap over more than one line at a narrow width. " * 3


@pytest.fixture
def css() -> str:
    return MessageStyle.for_dark(False).css


@pytest.fixture
def text(qtbot, css) -> MessageText:
    widget = MessageText()
    qtbot.addWidget(widget)
    widget.resize(300, 100)
    return widget


def fresh_height(widget: MessageText, width: int) -> int:
    """The height a document with the same content, font and style sheet has at ``width``."""
    document = widget.document().clone()
    document.setTextWidth(width)
    return int(document.size().height() + 0.999)


def test_a_measured_height_follows_the_text_the_font_and_the_width(text, css):
    renderer = MarkdownRenderer()
    text.set_rich(renderer.render("Short."), (), css)
    short = text.height_for_width(300)
    assert short == fresh_height(text, 300)
    text.set_rich(renderer.render(WORDS), (), css, growing=True)
    assert text.height_for_width(300) == fresh_height(text, 300) > short
    assert text.height_for_width(150) == fresh_height(text, 150) > text.height_for_width(300)
    font = QFont(text.font())
    font.setPointSize(font.pointSize() * 2)
    before = text.height_for_width(300)
    text.setFont(font)
    assert text.height_for_width(300) == fresh_height(text, 300) > before
    text.ideal_width(120)  # lays the document out at another width
    assert text.height_for_width(300) == fresh_height(text, 300)
    assert text.document().textWidth() == 300
    text.set_plain("")
    assert text.height_for_width(300) == fresh_height(text, 300) < before


def test_an_unchanged_text_is_measured_once(text, css, monkeypatch):
    text.set_rich(MarkdownRenderer().render(WORDS), (), css)
    height = text.height_for_width(300)
    asked = []
    document = text.document
    monkeypatch.setattr(text, "document", lambda: (asked.append(1), document())[1])
    assert [text.height_for_width(300) for _ in range(5)] == [height] * 5
    assert not asked


def test_block_tags_tell_new_blocks_from_words_added_to_one():
    renderer = MarkdownRenderer()

    def tags(markdown: str) -> tuple[int, int]:
        return block_tags(renderer.render(markdown))

    assert tags("- one\n- two more") == tags("- one\n- two")
    assert tags("A paragraph\nwith a soft break") == tags("A paragraph")
    assert tags("- one\n- two\n- three") != tags("- one\n- two")
    assert tags("| a |\n|---|\n| 1 |\n| 2 |") != tags("| a |\n|---|\n| 1 |")
    assert tags("```\nx = 1\ny = 2\n```") != tags("```\nx = 1\n```")
    html = renderer.render("Intro.\n\n- one\n- two")
    assert block_tags(html, last_block_start(html)) == (3, 0)  # <ul>, two <li>


def test_a_list_that_gained_an_item_is_set_anew_without_laying_its_last_block_out(
    qtbot, css, monkeypatch
):
    shown, reference = MessageText(), MessageText()
    qtbot.addWidget(shown)
    qtbot.addWidget(reference)
    markdown = IncrementalMarkdown(MarkdownRenderer())
    markdown.append("Intro.\n\n- one\n- two")
    shown.set_rich(markdown.html(streaming=True), (), css, growing=True)
    laid_out: list[str] = []
    block_document = shown._block_document

    def counting(html: str) -> QTextDocument:
        laid_out.append(html)
        return block_document(html)

    monkeypatch.setattr(shown, "_block_document", counting)
    markdown.append(" words\n- three")
    html = markdown.html(streaming=True)
    shown.set_rich(html, (), css, growing=True)
    reference.set_rich(html, (), css)
    assert shown.document().toHtml() == reference.document().toHtml()
    assert not laid_out
    markdown.append(" and more")  # words at the end of the last item: inserted
    html = markdown.html(streaming=True)
    shown.set_rich(html, (), css, growing=True)
    reference.set_rich(html, (), css)
    assert shown.document().toHtml() == reference.document().toHtml()
    assert laid_out


@pytest.mark.parametrize(("spent_ms", "period_ms"), [(0, 16), (2, 16), (6, 24), (12, 33)])
def test_flushes_space_out_to_two_frames_while_they_are_costly(spent_ms, period_ms):
    assert chat_view._flush_period_ms(spent_ms / 1000) == period_ms


@pytest.mark.parametrize(("flush_ms", "wait_ms"), [(1, 15), (12, 21)])
def test_the_next_flush_waits_for_the_rest_of_its_period(view, monkeypatch, flush_ms, wait_ms):
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(MessageItem(2, "assistant", "", status=MessageStatus.STREAMING))
    view.append_content(2, "x" * 5000)
    flush_costing(view, monkeypatch, flush_ms)
    assert view._flush_timer.isActive()
    assert view._flush_timer.interval() == wait_ms


def test_freezing_a_chunk_shows_it_and_touches_no_other(qtbot, css):
    body = MessageBody()
    qtbot.addWidget(body)
    body.resize(600, 400)
    body.show()
    markdown = IncrementalMarkdown(MarkdownRenderer())
    touched: list[MessageText] = []
    for index in range(30):
        markdown.append(f"Paragraph {index}: " + "several words " * 20 + "\n\n")
        earlier = body.chunks()
        for chunk in earlier:
            set_visible = chunk.setVisible
            chunk.setVisible = lambda shown, c=chunk, f=set_visible: (touched.append(c), f(shown))
        body.set_html(markdown.html(streaming=True), (), css, streaming=True)
        assert not touched, "a chunk shown before was shown or hidden again"
        for chunk in earlier:
            del chunk.setVisible
        assert all(chunk.isVisibleTo(body) for chunk in body.chunks())
    assert len(body.chunks()) > 3  # finished paragraphs were frozen along the way
    body.set_plain("short")
    assert [c.isVisibleTo(body) for c in body.chunks()] == [True]
    assert sum(c.isVisibleTo(body) for s in body._segments for c in s.chunks) == 1
