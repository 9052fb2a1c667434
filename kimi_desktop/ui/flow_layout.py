"""``FlowLayout``: widgets side by side, wrapping onto the next row like words.

Qt has none of its own (its "Flow Layout Example" is sample code, not API); this
is that layout cut to what chips need: rows that wrap at the available width,
each row against the left edge, the right edge or centred, with a height for
every width so the parent can make room for the wrapped rows. Items keep their
size hint (never wider than the row) and stand on the row's baseline, so a
thumbnail and a shorter chip in one row line up at the bottom.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget

_Align = Qt.AlignmentFlag


class FlowLayout(QLayout):
    """Lays its items out in rows that wrap at the available width.

    ``row_alignment`` places each row: ``AlignLeft`` (the default), ``AlignRight``
    (documents under the user's own message) or ``AlignHCenter`` (assistant chips).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        spacing: int = 8,
        *,
        row_alignment: Qt.AlignmentFlag = _Align.AlignLeft,
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._row_alignment = row_alignment
        self.setContentsMargins(0, 0, 0, 0)

    @property
    def row_alignment(self) -> Qt.AlignmentFlag:
        return self._row_alignment

    def set_row_alignment(self, alignment: Qt.AlignmentFlag) -> None:
        """Place the rows against another edge, or centred; lays out again if it changed."""
        if alignment != self._row_alignment:
            self._row_alignment = alignment
            self.invalidate()

    @property
    def right(self) -> bool:
        """Whether the rows stand against the right edge."""
        return self._row_alignment == _Align.AlignRight

    @right.setter
    def right(self, value: bool) -> None:
        self.set_row_alignment(_Align.AlignRight if value else _Align.AlignLeft)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _rows(self, width: int) -> list[list[tuple[QLayoutItem, QSize]]]:
        """The shown items with their size hints, row by row for ``width``."""
        rows: list[list[tuple[QLayoutItem, QSize]]] = []
        used = 0
        for item in self._shown():
            hint = item.sizeHint()
            if rows and used + self._spacing + hint.width() <= width:
                used += self._spacing + hint.width()
                rows[-1].append((item, hint))
            else:
                used = hint.width()
                rows.append([(item, hint)])
        return rows

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        """Place the items in ``rect`` (or only measure); returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows = self._rows(area.width())
        y = area.y()
        for row in rows:
            height = max(hint.height() for _item, hint in row)
            if place:
                self._place_row(row, area, y, height)
            y += height + self._spacing
        content = y - self._spacing - area.y() if rows else 0
        return content + margins.top() + margins.bottom()

    def _place_row(
        self, row: list[tuple[QLayoutItem, QSize]], area: QRect, y: int, height: int
    ) -> None:
        used = sum(hint.width() for _item, hint in row) + self._spacing * (len(row) - 1)
        free = max(0, area.width() - used)
        if self._row_alignment & _Align.AlignRight:
            x = area.x() + free
        elif self._row_alignment & _Align.AlignHCenter:
            x = area.x() + free // 2
        else:
            x = area.x()
        for item, hint in row:
            width = min(hint.width(), area.width())
            item.setGeometry(QRect(x, y + height - hint.height(), width, hint.height()))
            x += hint.width() + self._spacing
