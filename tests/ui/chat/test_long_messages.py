"""Messages that used to freeze the window: deep nesting, unbreakable runs, huge texts.

What is laid out at once is bounded and nothing is lost: a long message is
shown a segment (one document) per event-loop turn, by itself up to
``AUTO_CHARS`` and the rest after "Show all", and Copy always gives the whole
text. (How long anything takes is measured by ``benchmarks/bench_freezes.py``,
never here.)
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument, QTextFrame
from PySide6.QtWidgets import QPushButton, QTextEdit

from kimi_desktop.domain import MessageStatus
from kimi_desktop.render.breaks import ZWSP
from kimi_desktop.render.markdown import MAX_DEPTH
from kimi_desktop.render.segments import AUTO_CHARS, SEGMENT_BUDGET
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_parts import MessageText
from kimi_desktop.ui.chat.message_widget import MessageWidget
from kimi_desktop.ui.chat.rows import TextMetrics, estimate_height

#: Laid-out characters allowed beyond a segment's: break characters, code headers.
SLACK = 1.15
ONE_SEGMENT = SEGMENT_BUDGET * SLACK


def documents(widget: MessageWidget) -> list[QTextDocument]:
    """Every document the message shows, top to bottom."""
    parts = [part for part in widget.findChildren(QTextEdit) if part.isVisibleTo(widget)]
    parts.sort(key=lambda part: part.mapTo(widget, part.rect().topLeft()).y())
    return [part.document() for part in parts if part.objectName() == "messageText"]


def laid_out(widget: MessageWidget) -> int:
    return sum(document.characterCount() for document in documents(widget))


def largest_document(widget: MessageWidget) -> int:
    return max(document.characterCount() for document in documents(widget))


def settled(qtbot, widget: MessageWidget) -> None:
    """Wait until the view stopped adding segments to ``widget``."""
    counts: list[int] = []

    def still() -> bool:
        counts.append(widget.segments_shown())
        return len(counts) > 20 and len(set(counts[-20:])) == 1

    qtbot.waitUntil(still, timeout=20_000)


def frame_depth(frame: QTextFrame) -> int:
    return 1 + max((frame_depth(child) for child in frame.childFrames()), default=0)


def show_all_button(widget: MessageWidget) -> QPushButton | None:
    button = widget.findChild(QPushButton, "showAllButton")
    return button if button is not None and button.isVisibleTo(widget) else None


def prose(size: int) -> str:
    paragraphs, total, index = [], 0, 0
    while total < size:
        paragraph = f"Paragraph {index} " + "with a few ordinary words " * 30
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
        index += 1
    return "\n\n".join(paragraphs)


def hex_line(size: int) -> str:
    return ("0123456789abcdef" * (size // 16 + 1))[:size]


def reply(message_id: int, text: str, **kwargs) -> MessageItem:
    return MessageItem(message_id, "assistant", text, model="k2", **kwargs)


# -- nesting -------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [16, 20, 100])
def test_a_deeply_nested_quote_shows_its_text_at_a_bounded_depth(view, levels) -> None:
    view.set_messages([reply(1, ">" * levels + " x")])
    widget = view.message_widget(1)
    assert widget is not None

    assert "x" in widget.plain_text()
    for document in documents(widget):
        assert frame_depth(document.rootFrame()) <= MAX_DEPTH + 1  # + the root frame


def test_a_deeply_nested_quote_streams_at_a_bounded_depth(view, qtbot) -> None:
    view.set_messages([reply(1, "", status=MessageStatus.STREAMING)])
    for character in ">" * 20 + " deep\n":
        view.append_content(1, character)
    qtbot.waitUntil(lambda: "deep" in view.message_widget(1).plain_text())

    for document in documents(view.message_widget(1)):
        assert frame_depth(document.rootFrame()) <= MAX_DEPTH + 1


# -- long runs and huge replies ------------------------------------------------------


def test_a_huge_reply_is_laid_out_a_segment_per_turn_up_to_a_bound(view, qtbot) -> None:
    text = prose(600_000)
    view.set_messages([reply(1, text)])
    widget = view.message_widget(1)

    assert laid_out(widget) <= ONE_SEGMENT  # at once: the first segment only
    settled(qtbot, widget)
    assert largest_document(widget) <= ONE_SEGMENT
    assert AUTO_CHARS <= laid_out(widget) <= (AUTO_CHARS + SEGMENT_BUDGET) * SLACK
    button = show_all_button(widget)
    assert button is not None
    assert button.text() == "Show all (586 KB)"
    assert button.isEnabled()


def test_a_long_ordinary_reply_is_shown_whole_without_asking(view, qtbot) -> None:
    text = prose(60_000)
    view.set_messages([reply(1, text)])
    widget = view.message_widget(1)
    assert laid_out(widget) <= ONE_SEGMENT

    qtbot.waitUntil(lambda: widget.plain_text().split() == text.split())
    assert show_all_button(widget) is None
    assert len(documents(widget)) > 1


def test_show_all_reveals_the_rest_and_keeps_every_word(view, qtbot) -> None:
    text = prose(400_000)
    view.set_messages([reply(1, text)])
    widget = view.message_widget(1)
    settled(qtbot, widget)
    shown_before = laid_out(widget)

    show_all_button(widget).click()

    qtbot.waitUntil(lambda: widget.plain_text().split() == text.split(), timeout=20_000)
    assert show_all_button(widget) is None
    assert laid_out(widget) > shown_before
    assert largest_document(widget) <= ONE_SEGMENT


def test_copy_gives_the_whole_huge_reply(view) -> None:
    text = prose(300_000)
    view.set_messages([reply(1, text)])

    view.message_widget(1).button("copy").click()

    assert QGuiApplication.clipboard().text() == text


def test_copy_links_are_numbered_across_segments(view, qtbot) -> None:
    block = "Some words to fill the space. " * 200 + "\n\n```python\nprint({i})\n```\n\n"
    text = "".join(block.format(i=i) for i in range(30))
    view.set_messages([reply(1, text)])
    widget = view.message_widget(1)
    qtbot.waitUntil(lambda: widget.plain_text().count("print(") == 30)
    assert widget.segments_shown() > 1

    last = [part for part in widget.findChildren(MessageText) if "copy:29" in part.shown_source()]
    assert len(last) == 1
    last[0].anchorClicked.emit(QUrl("copy:29"))
    assert QGuiApplication.clipboard().text() == "print(29)"


def test_a_long_line_is_shown_with_break_opportunities(view) -> None:
    text = hex_line(20_000)
    view.set_messages([reply(1, text)])
    widget = view.message_widget(1)

    assert widget.plain_text() == text  # the breaks are gone from what is read back
    assert ZWSP in documents(widget)[0].toPlainText()  # ... but Qt has them to wrap at


def test_a_streamed_long_line_is_laid_out_a_segment_at_a_time(view, qtbot) -> None:
    text = hex_line(300_000)
    view.set_messages([reply(1, "", status=MessageStatus.STREAMING)])
    for start in range(0, len(text), 30_000):
        view.append_content(1, text[start : start + 30_000])
        qtbot.waitUntil(lambda end=start + 30_000: view.message_widget(1).item.text == text[:end])
        assert largest_document(view.message_widget(1)) <= ONE_SEGMENT

    widget = view.message_widget(1)
    assert laid_out(widget) <= (AUTO_CHARS + SEGMENT_BUDGET) * SLACK
    button = show_all_button(widget)
    assert button is not None
    assert not button.isEnabled()  # the rest can be shown once the reply is complete

    view.update_message(reply(1, ""))
    assert show_all_button(widget).isEnabled()
    widget.button("copy").click()
    assert QGuiApplication.clipboard().text() == text
    show_all_button(widget).click()
    qtbot.waitUntil(lambda: widget.plain_text().replace("\n", "") == text, timeout=20_000)


def test_a_long_reply_streams_whole_in_bounded_documents(view, qtbot) -> None:
    text = prose(150_000)
    view.set_messages([reply(1, "", status=MessageStatus.STREAMING)])
    for start in range(0, len(text), 5_000):
        view.append_content(1, text[start : start + 5_000])
    qtbot.waitUntil(lambda: view.message_widget(1).item.text == text)
    widget = view.message_widget(1)
    qtbot.waitUntil(lambda: widget.plain_text().split() == text.split())
    assert largest_document(widget) <= ONE_SEGMENT

    view.update_message(reply(1, ""))
    assert widget.plain_text().split() == text.split()  # nothing laid out again
    assert show_all_button(widget) is None


def test_a_huge_user_prompt_is_shown_bounded_and_whole_on_request(view, qtbot) -> None:
    text = hex_line(300_000)
    view.set_messages([MessageItem(1, "user", text)])
    widget = view.message_widget(1)

    assert laid_out(widget) <= ONE_SEGMENT
    settled(qtbot, widget)
    show_all_button(widget).click()
    qtbot.waitUntil(lambda: widget.plain_text().replace("\n", "") == text, timeout=20_000)
    assert largest_document(widget) <= ONE_SEGMENT
    widget.button("copy").click()
    assert QGuiApplication.clipboard().text() == text


def test_a_message_shown_in_segments_starts_again_from_the_first_at_a_new_width(
    view, qtbot
) -> None:
    text = prose(300_000)
    view.set_messages([reply(1, text)])
    widget = view.message_widget(1)
    show_all_button(widget).click()
    qtbot.waitUntil(lambda: widget.plain_text().split() == text.split(), timeout=20_000)

    view.resize(700, 700)

    # Laying 300 KB out again at once would stall; it is shown again a segment per turn.
    assert laid_out(widget) <= ONE_SEGMENT
    qtbot.waitUntil(lambda: widget.plain_text().split() == text.split(), timeout=20_000)


def test_the_estimate_of_a_huge_reply_is_that_of_what_is_shown() -> None:
    metrics = TextMetrics(line_height=18, char_width=7)
    huge = estimate_height(reply(1, prose(5_000_000)), 700, metrics)
    shown = estimate_height(reply(1, prose(AUTO_CHARS)), 700, metrics)

    assert huge <= shown * 1.2


def test_copying_a_selection_leaves_the_break_characters_out(qtbot) -> None:
    text = MessageText()
    qtbot.addWidget(text)
    text.set_plain("\u200b".join(["0123456789abcdef"] * 10))
    text.selectAll()

    text.copy()

    assert QGuiApplication.clipboard().text() == "0123456789abcdef" * 10
