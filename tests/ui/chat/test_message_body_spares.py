"""While a reply streams, the chunks it freezes into are built in turns of their own."""

from __future__ import annotations

import pytest

from kimi_desktop.render import IncrementalMarkdown, MarkdownRenderer
from kimi_desktop.ui.chat import message_body
from kimi_desktop.ui.chat.message_body import MessageBody
from kimi_desktop.ui.chat.message_parts import MessageText
from kimi_desktop.ui.chat.message_style import MessageStyle


@pytest.fixture
def css() -> str:
    return MessageStyle.for_dark(False).css


@pytest.fixture
def body(qtbot) -> MessageBody:
    body = MessageBody()
    body.apply_style(MessageStyle.for_dark(False))
    qtbot.addWidget(body)
    body.resize(600, 400)
    body.show()
    return body


def paragraphs(count: int) -> str:
    return "".join(f"Paragraph {i}: " + "several words " * 20 + "\n\n" for i in range(count))


def test_a_frozen_chunk_takes_a_spare_built_earlier(qtbot, body, css, monkeypatch):
    markdown = IncrementalMarkdown(MarkdownRenderer())
    markdown.append(paragraphs(1))
    body.set_html(markdown.html(streaming=True), (), css, streaming=True)
    qtbot.waitUntil(lambda: body.spare_chunks() == message_body._SPARE_CHUNKS)

    built: list[MessageText] = []
    build = body._build_chunk
    monkeypatch.setattr(body, "_build_chunk", lambda: built.append(build()) or built[-1])
    chunks = len(body.chunks())
    markdown.append(paragraphs(12))
    body.set_html(markdown.html(streaming=True), (), css, streaming=True)
    assert len(body.chunks()) > chunks  # a finished block was frozen
    assert not built  # ... into a spare: no text box was built in that call
    qtbot.waitUntil(lambda: len(built) == 1)  # the spare is replaced in a later turn


def test_a_spare_shows_text_as_a_new_text_box_does(qtbot, body, css):
    markdown = IncrementalMarkdown(MarkdownRenderer())
    markdown.append(paragraphs(1))
    body.set_html(markdown.html(streaming=True), (), css, streaming=True)
    qtbot.waitUntil(lambda: body.spare_chunks() == message_body._SPARE_CHUNKS)
    markdown.append(paragraphs(12) + "Last *words* and `code`.")
    body.set_html(markdown.html(streaming=True), (), css, streaming=True)
    last = body.chunks()[-1]

    fresh = MessageText()
    qtbot.addWidget(fresh)
    fresh.setFont(body.font())
    fresh.apply_style(MessageStyle.for_dark(False))
    fresh.set_rich(last.shown_source(), (), css)
    assert last.document().toHtml() == fresh.document().toHtml()
    assert last.palette() == fresh.palette()
    assert last.height_for_width(600) == fresh.height_for_width(600)


def test_spares_are_let_go_of_when_the_reply_ends(qtbot, body, css):
    markdown = IncrementalMarkdown(MarkdownRenderer())
    markdown.append(paragraphs(3))
    body.set_html(markdown.html(streaming=True), (), css, streaming=True)
    qtbot.waitUntil(lambda: body.spare_chunks() == message_body._SPARE_CHUNKS)
    body.set_html(markdown.html(), (), css, streaming=False)
    assert body.spare_chunks() == 0
    in_use = len(body.chunks())
    qtbot.waitUntil(lambda: len(body.findChildren(MessageText)) == in_use)


def test_a_body_that_never_streams_builds_no_spares(qtbot, body, css):
    body.set_html(MarkdownRenderer().render(paragraphs(3)), (), css, streaming=False)
    qtbot.wait(20)  # (showing that something does not happen)
    assert body.spare_chunks() == 0
    assert len(body.findChildren(MessageText)) == len(body.chunks())
