"""The one flow layout: rows that wrap at the width, each against the left edge, the
right edge or centred, with items standing on the row's bottom."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QWidget

from kimi_desktop.ui.chat.placeholder import ChatPlaceholder
from kimi_desktop.ui.composer import attachment_tray, document_chips
from kimi_desktop.ui.flow_layout import FlowLayout

_Align = Qt.AlignmentFlag


class Box(QWidget):
    def __init__(self, width: int, height: int, parent: QWidget) -> None:
        super().__init__(parent)
        self._hint = QSize(width, height)

    def sizeHint(self) -> QSize:
        return self._hint

    def minimumSizeHint(self) -> QSize:
        return self._hint


def laid_out(qtbot, widths: list[int], width: int, alignment=_Align.AlignLeft, height=20):
    host = QWidget()
    qtbot.addWidget(host)
    layout = FlowLayout(host, spacing=10, row_alignment=alignment)
    boxes = []
    for w in widths:
        box = Box(w, height, host)
        layout.addWidget(box)
        boxes.append(box)
    layout.setGeometry(QRect(0, 0, width, layout.heightForWidth(width)))
    return host, layout, [box.geometry() for box in boxes]


def test_items_wrap_when_the_row_is_full(qtbot) -> None:
    _host, layout, boxes = laid_out(qtbot, [100, 100, 100], 250)
    assert [(b.x(), b.y()) for b in boxes] == [(0, 0), (110, 0), (0, 30)]
    assert layout.heightForWidth(250) == 50
    assert layout.heightForWidth(400) == 20  # one row when there is room
    assert layout.heightForWidth(90) == 80  # a row each; never narrower than an item
    assert boxes[0].width() == 100


@pytest.mark.parametrize(
    ("alignment", "first_x"),
    [(_Align.AlignLeft, 0), (_Align.AlignRight, 80), (_Align.AlignHCenter, 40)],
)
def test_each_row_stands_where_it_is_asked(qtbot, alignment, first_x: int) -> None:
    _host, _layout, boxes = laid_out(qtbot, [100, 100, 100], 400, alignment)
    assert boxes[0].x() == first_x
    assert boxes[1].x() == first_x + 110


def test_right_is_the_chips_switch_for_the_right_edge(qtbot) -> None:
    _host, layout, _boxes = laid_out(qtbot, [100], 400)
    assert not layout.right
    layout.right = True
    assert layout.row_alignment == _Align.AlignRight
    layout.right = False
    assert layout.row_alignment == _Align.AlignLeft


def test_a_shorter_item_stands_on_the_rows_bottom(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    layout = FlowLayout(host, spacing=8)
    tall, short = Box(56, 56, host), Box(120, 40, host)
    layout.addWidget(tall)
    layout.addWidget(short)
    layout.setGeometry(QRect(0, 0, 400, layout.heightForWidth(400)))
    assert tall.geometry().bottom() == short.geometry().bottom()


def test_hidden_items_take_no_room(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    layout = FlowLayout(host, spacing=10)
    shown, hidden = Box(100, 20, host), Box(100, 20, host)
    layout.addWidget(hidden)
    layout.addWidget(shown)
    hidden.hide()
    layout.setGeometry(QRect(0, 0, 150, layout.heightForWidth(150)))
    assert shown.geometry().topLeft().toTuple() == (0, 0)
    assert layout.heightForWidth(150) == 20


def test_the_chips_and_the_assistants_use_this_layout(qtbot) -> None:
    assert attachment_tray.FlowLayout is document_chips.FlowLayout is FlowLayout
    placeholder = ChatPlaceholder()
    qtbot.addWidget(placeholder)
    centred = placeholder.chips.layout()
    assert type(centred) is FlowLayout
    assert centred.row_alignment == _Align.AlignHCenter
