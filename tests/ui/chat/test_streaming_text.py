"""A streaming reply's text: inserted where it grows, shown a frame's share at a time."""

from __future__ import annotations

import dataclasses
import gc
import itertools
import random

import pytest
from PySide6.QtGui import QTextDocument

from kimi_desktop.domain import MessageStatus
from kimi_desktop.render import IncrementalMarkdown, MarkdownRenderer
from kimi_desktop.ui.chat import view as chat_view
from kimi_desktop.ui.chat.html_blocks import last_block_start, top_level_ends
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_parts import MessageText, grown_text
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.view import ChatView

REPLY = (
    "Intro with **bold**, `code` and a [link](https://example.com/x).\n"
    "A soft break inside the paragraph.\n\n"
    "## A heading\n\n"
    "- one item\n- two *items* with more words\n  - nested item\n- [ ] a task\n\n"
    "1. first\n2. second\n\n"
    "| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\n\n"
    "> quoted text that\n> goes on\n\n"
    "```python\ndef f(x):\n    return x * 2\n```\n\n"
    "Setext heading\n===\n\n"
    "Inline math $x^2$ and a last paragraph that keeps growing word by word."
)


@pytest.fixture
def css() -> str:
    return MessageStyle.for_dark(False).css


def stream(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces, at = [], 0
    while at < len(text):
        step = rng.choice((1, 1, 2, 3, 5, 9))
        pieces.append(text[at : at + step])
        at += step
    return pieces


@pytest.mark.parametrize("seed", [1, 2])
def test_growing_text_reads_the_same_as_setting_it_anew(qtbot, css, seed, monkeypatch):
    shown, reference = MessageText(), MessageText()
    qtbot.addWidget(shown)
    qtbot.addWidget(reference)
    resets = []
    set_html = shown.setHtml
    monkeypatch.setattr(shown, "setHtml", lambda html: (resets.append(html), set_html(html)))
    markdown = IncrementalMarkdown(MarkdownRenderer())
    steps = 0
    for piece in stream(REPLY, seed):
        markdown.append(piece)
        html = markdown.html(streaming=True)
        shown.set_rich(html, (), css, growing=True)
        reference.set_rich(html, (), css)
        assert shown.document().toHtml() == reference.document().toHtml(), html
        steps += 1
    # Most steps only added words to the last paragraph: inserted, not set anew.
    assert len(resets) < steps / 2


def test_a_change_of_format_without_new_text_sets_the_html_anew(qtbot, css):
    # "Foo" then "Foo\n===": the same text, now a heading.
    renderer = MarkdownRenderer()
    before, after = QTextDocument(), QTextDocument()
    for document, text in ((before, "Foo\n"), (after, "Foo\n===")):
        document.setDefaultStyleSheet(css)
        document.setHtml(renderer.render(text).rstrip())
    assert grown_text(before, after) is None
    shown = MessageText()
    qtbot.addWidget(shown)
    shown.set_rich(renderer.render("Foo\n"), (), css, growing=True)
    shown.set_rich(renderer.render("Foo\n==="), (), css, growing=True)
    assert shown.document().firstBlock().blockFormat().headingLevel() == 1


def test_grown_text_names_the_block_and_the_new_runs(css):
    renderer = MarkdownRenderer()
    before, after = QTextDocument(), QTextDocument()
    for document, text in ((before, "- a\n- b **c"), (after, "- a\n- b **c** d")):
        document.setDefaultStyleSheet(css)
        document.setHtml(renderer.render(text).rstrip())
    assert grown_text(before, after) is None  # "**c" became bold "c": not a growth
    before.setHtml(renderer.render("- a\n- b c").rstrip())
    after.setHtml(renderer.render("- a\n- b c **d**").rstrip())
    number, runs = grown_text(before, after)
    assert number == 1
    assert "".join(text for text, _ in runs) == " d"
    assert runs[-1][1].fontWeight() > runs[0][1].fontWeight()


def test_the_last_top_level_block_is_found_in_the_html():
    html = "<p>a</p>\n<ul>\n<li>b</li>\n</ul>\n<p>c\nd</p>\n"
    assert top_level_ends(html) == [9, 31, len(html)]
    assert last_block_start(html) == 31
    assert last_block_start("<p>only</p>\n") == 0


# -- the view: a frame's share at a time ----------------------------------------------


def streaming_reply(message_id: int) -> MessageItem:
    return MessageItem(message_id, "assistant", "", status=MessageStatus.STREAMING, model="k2")


def test_a_long_burst_is_shown_over_several_flushes_and_completely(view, qtbot, monkeypatch):
    monkeypatch.setattr(chat_view, "_FLUSH_START_CHARS", 300)
    view = ChatView()  # (built after the patch, with a small first share)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(streaming_reply(2))
    text = "".join(f"Paragraph {i} with a few words in it.\n\n" for i in range(60))
    view.append_content(2, text)
    view._flush_frame()
    first = view.message_widget(2).item.text
    # At most the larger of its share and a quarter of what waits.
    assert 0 < len(first) <= max(300, len(text) // chat_view._CATCH_UP_FLUSHES) < len(text)
    assert first.endswith("\n")  # cut after a line break: the block before it is whole
    qtbot.waitUntil(lambda: view.message_widget(2).item.text == text)


def test_the_end_of_a_reply_shows_what_waits_a_flush_at_a_time_then_its_final_state(view, qtbot):
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(streaming_reply(2))
    text = "".join(f"Paragraph {i} with a few words in it.\n\n" for i in range(400))
    view.append_content(2, text)
    view._flush_frame()
    assert view.message_widget(2).item.text != text
    done = dataclasses.replace(streaming_reply(2), text="", status=MessageStatus.COMPLETE)
    view.update_message(done)
    # Not all at once: the final state waits until the queued text is shown.
    assert view.is_catching_up()
    assert view.message_widget(2).item.text != text
    assert view.message_widget(2).item.streaming
    shown = [len(view.message_widget(2).item.text)]
    while view.is_catching_up():
        view._flush_frame()
        shown.append(len(view.message_widget(2).item.text))
    steps = [b - a for a, b in itertools.pairwise(shown) if b > a]
    assert len(steps) > 1  # in several flushes,
    assert max(steps) < len(text) // 2  # each showing a share of what waited
    widget = view.message_widget(2)
    assert widget.item.text == text
    assert widget.item.status == MessageStatus.COMPLETE
    assert widget.plain_text().split() == text.split()


def test_an_update_of_a_reply_with_little_waiting_applies_at_once(view):
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(streaming_reply(2))
    view.append_content(2, "A short answer.")
    done = dataclasses.replace(streaming_reply(2), text="", status=MessageStatus.COMPLETE)
    view.update_message(done)
    assert not view.is_catching_up()
    assert view.message_widget(2).item.text == "A short answer."
    assert view.message_widget(2).item.status == MessageStatus.COMPLETE


def test_a_conversation_shown_while_a_reply_catches_up_drops_its_final_state(view):
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(streaming_reply(2))
    view.append_content(2, "word " * 5000)
    view._flush_frame()
    view.update_message(
        dataclasses.replace(streaming_reply(2), text="", status=MessageStatus.COMPLETE)
    )
    assert view.is_catching_up()
    view.set_messages([MessageItem(7, "user", "another conversation")])
    assert not view.is_catching_up()
    view._flush_frame()
    assert view.message_ids() == [7]


def test_full_collections_wait_while_a_reply_streams(view, qtbot):
    young, middle, oldest = gc.get_threshold()
    view.set_messages([MessageItem(1, "user", "q")])
    view.append_message(streaming_reply(2))
    assert gc.get_threshold()[2] > oldest
    view.append_content(2, "Some text")
    qtbot.waitUntil(lambda: view.message_widget(2).item.text == "Some text")
    view._stream_hold.release()  # (what resting for a moment does)
    assert gc.get_threshold() == (young, middle, oldest)
