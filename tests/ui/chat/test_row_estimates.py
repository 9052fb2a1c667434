"""A row's estimated height counts its document chips and its "Searched the web" line,
so rows do not jump when they are first measured."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QFont, QFontMetrics

from kimi_desktop.domain import AttachedDocument
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.message_widget import MessageWidget
from kimi_desktop.ui.chat.rows import TextMetrics, estimate_height

DOCUMENTS = tuple(
    AttachedDocument(f"quarterly-report-{i}.pdf", "pdf", "text", pages=12, tokens=8_437)
    for i in range(8)
)


@pytest.fixture
def widget(qtbot) -> MessageWidget:
    w = MessageWidget(MessageStyle.for_dark(False))
    qtbot.addWidget(w)
    w.resize(700, 400)
    w.show()
    return w


def metrics(widget: MessageWidget) -> TextMetrics:
    font_metrics = QFontMetrics(widget.font())
    return TextMetrics(font_metrics.lineSpacing(), font_metrics.averageCharWidth())


def measured(widget: MessageWidget, item: MessageItem, width: int) -> int:
    if item.role == "user":
        widget.set_item(item)
    else:
        widget.set_item(item, html=f"<p>{item.text}</p>")
    return widget.height_for_width(width)


@pytest.mark.parametrize("point_size", [10, 14])
@pytest.mark.parametrize(("count", "width"), [(1, 700), (3, 700), (4, 700), (8, 700), (3, 400)])
def test_document_chips_are_part_of_the_estimate(widget, point_size, count, width) -> None:
    font = QFont(widget.font())
    font.setPointSize(point_size)
    widget.apply_font(font)
    plain = MessageItem(1, "user", "What changed between these?")
    with_documents = MessageItem(1, "user", plain.text, documents=DOCUMENTS[:count])

    grown = measured(widget, with_documents, width) - measured(widget, plain, width)
    estimated = estimate_height(with_documents, width, metrics(widget)) - estimate_height(
        plain, width, metrics(widget)
    )
    assert grown > 40  # (a row of chips is about 50 px)
    assert estimated == pytest.approx(grown, rel=0.25)


@pytest.mark.parametrize("searches", [1, 3])
def test_the_searched_the_web_line_is_part_of_the_estimate(widget, searches) -> None:
    plain = MessageItem(2, "assistant", "A short answer.", model="kimi-k2.5")
    searched = MessageItem(2, "assistant", plain.text, model="kimi-k2.5", web_searches=searches)
    grown = measured(widget, searched, 700) - measured(widget, plain, 700)
    estimated = estimate_height(searched, 700, metrics(widget)) - estimate_height(
        plain, 700, metrics(widget)
    )
    assert grown > 10  # one line
    assert estimated == pytest.approx(grown, abs=4)
